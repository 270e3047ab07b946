/**
 * What the query compiler knows of a database ("type"): where its rows come from in SQL and, for each
 * field, the SQL expression that reads it, how a stored value becomes Fibery's JSON and how a
 * parameter becomes a stored value. Built-in types are declared here; domain types will be derived
 * from the stored schema the same way. Identifiers from a query never reach SQL: only these
 * expressions do.
 */
import { PRIMITIVE_TYPES } from './primitive-types.ts';

export type FieldKind =
  | 'uuid'
  | 'text'
  | 'email'
  | 'boolean'
  | 'date-time'
  | 'date'
  | 'integer'
  | 'decimal'
  | 'json'
  | 'number-text';

export interface FieldModel {
  /** SQL reading the field, in terms of the type's `from` aliases. */
  sql: string;
  kind: FieldKind;
  /** The field's type as `fibery.schema/query` shows it (`fibery/text`, …). */
  fiberyType: string;
  /** Its `fibery/meta` in the schema. */
  meta: Record<string, unknown>;
  /** Stored value → JSON value. */
  decode(value: unknown): unknown;
  /** Parameter value → stored value; throws TypeError when the value cannot be one. */
  encode(value: unknown): string | number | boolean;
  /** The unqualified column that entity writes set; absent for fields that cannot be written. */
  column?: string;
}

export interface TypeModel {
  name: string;
  /** A domain type's id and table, for entity writes; absent for built-in types. */
  domain?: { id: string; table: string };
  /** Its `fibery/meta` in the schema. */
  meta: Record<string, unknown>;
  /** FROM clause; `$workspace` stands for the bound workspace id in `scope`. */
  from: string;
  /** Condition that keeps the rows of the caller's workspace. */
  scope: string;
  /** The unique field that orders ties deterministically. */
  idField: string;
  fields: Record<string, FieldModel>;
}

type Meta = Record<string, unknown>;

const asString = (value: unknown) => {
  if (typeof value !== 'string') throw new TypeError('must be a string');
  return value;
};

/** A field stored as one of Fibery's primitive types, read by `sql`. */
function primitive(fiberyType: string, sql: string, meta: Meta = {}): FieldModel {
  return { ...PRIMITIVE_TYPES[fiberyType]!, sql, fiberyType, meta };
}

const field = {
  /** `fibery/id` of built-in types: any string may be compared, so an unknown id matches nothing. */
  uuid: (sql: string, meta: Meta = {}): FieldModel => ({
    sql,
    kind: 'uuid',
    fiberyType: 'fibery/uuid',
    meta,
    decode: (v) => v,
    encode: asString,
  }),
  /** Fibery's public ids are numeric-looking strings ("42"); stored as integers. */
  numberText: (sql: string, meta: Meta = {}): FieldModel => ({
    sql,
    kind: 'number-text',
    fiberyType: 'fibery/text',
    meta,
    decode: (v) => (v === null ? null : String(v)),
    encode: (v) => {
      const n =
        typeof v === 'string' && /^\d{1,15}$/.test(v)
          ? Number(v)
          : typeof v === 'number' && Number.isSafeInteger(v)
            ? v
            : Number.NaN;
      if (Number.isNaN(n)) throw new TypeError('must be a public id such as "42"');
      return n;
    },
  }),
};

const readonly = { 'fibery/readonly?': true };

export const fiberyUserType: TypeModel = {
  name: 'fibery/user',
  meta: { 'fibery/primitive?': false, 'fibery/domain?': false },
  from: 'workspace_users u JOIN accounts a ON a.id = u.account_id',
  scope: 'u.workspace_id = $workspace',
  idField: 'fibery/id',
  fields: {
    'fibery/id': field.uuid('u.id', { 'fibery/id?': true, ...readonly }),
    'fibery/public-id': field.numberText('u.public_id', { 'fibery/public-id?': true, ...readonly }),
    'user/name': primitive('fibery/text', 'a.name', { 'ui/title?': true, 'fibery/required?': true }),
    'user/email': primitive('fibery/email', 'a.email', { 'fibery/unique?': true, ...readonly }),
    'fibery/role': primitive('fibery/text', 'u.role', readonly),
    'fibery/active?': primitive('fibery/bool', 'u.active', { 'fibery/default-value': true }),
    'fibery/creation-date': primitive('fibery/date-time', 'u.created_at', {
      'fibery/creation-date?': true,
      ...readonly,
    }),
    'fibery/modification-date': primitive('fibery/date-time', 'u.updated_at', {
      'fibery/modification-date?': true,
      ...readonly,
    }),
  },
};

/** The types every workspace has. */
export const builtInTypes: Record<string, TypeModel> = { [fiberyUserType.name]: fiberyUserType };
