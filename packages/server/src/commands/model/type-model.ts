/**
 * What the query compiler knows of a database ("type"): where its rows come from in SQL and, for each
 * field, the SQL expression that reads it, how a stored value becomes Fibery's JSON and how a
 * parameter becomes a stored value. Built-in types are declared here; domain types will be derived
 * from the stored schema the same way. Identifiers from a query never reach SQL: only these
 * expressions do. Field SQL takes the alias of its row, so the compiler can join the same type more
 * than once (paths through relations, sub-queries).
 */
import type { SqlDialect } from '../../storage/index.ts';
import { fieldNotFound } from '../core/index.ts';
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
  /** SQL reading the field from the row of its type aliased `t` (a relation: the related id). */
  sql(t: string, dialect: SqlDialect): string;
  kind: FieldKind;
  /** The field's type as `fibery.schema/query` shows it (`fibery/text`, a database name, …). */
  fiberyType: string;
  /** Its `fibery/meta` in the schema. */
  meta: Record<string, unknown>;
  /** Stored value → JSON value. */
  decode(value: unknown): unknown;
  /** Parameter value → stored value; throws TypeError when the value cannot be one. */
  encode(value: unknown): string | number | boolean;
  /** The unqualified column that entity writes set; absent for fields that cannot be written so. */
  column?: string;
  /** Set for a field that points to entities of another (or the same) database. */
  relation?: RelationModel;
}

/**
 * How rows of the holder (alias `h`) reach the related rows (alias `r`). `at` is set when the table
 * holding `column` is joined to its row under the row's alias plus `at` (`fibery/user`'s own fields
 * live in a table joined as `<alias>_x`): the column is read as `<alias><at>.<column>`.
 */
export type RelationLink =
  /** The holder's column holds the related id. */
  | { kind: 'column'; column: string; at?: string }
  /** The related table's `column` holds the holder's id. */
  | { kind: 'reverse'; column: string; at?: string }
  /** Rows of a join table: the holder's id in `self`, the related id in `other`. */
  | { kind: 'join'; table: string; self: string; other: string };

export interface RelationModel {
  /** The related database's name. */
  target: string;
  /** To-many (a collection) or to-one. */
  collection: boolean;
  link: RelationLink;
  /** The schema id of the field, and of its partner (the other side), if any. */
  fieldId?: string;
  partner?: { type: string; field: string };
}

export interface TypeModel {
  name: string;
  /** A domain type's id and table, for entity writes; absent for built-in types. */
  domain?: { id: string; table: string };
  /**
   * `fibery/user`'s own fields, once a workspace has added some: the stored type's id and the table
   * holding them, one row per user (created when first written), joined to a user as `<alias>_x`.
   */
  extension?: { id: string; table: string };
  /** Its `fibery/meta` in the schema. */
  meta: Record<string, unknown>;
  /**
   * The table its rows come from, aliased `t`, and the joins its fields need (each `LEFT JOIN`ed);
   * `extension` repeats the one of them that joins the `extension` table.
   */
  source(t: string): { table: string; joins: string[]; extension?: string };
  /** Condition keeping the caller's workspace rows of alias `t`; `workspace()` binds its id. */
  scope(t: string, workspace: () => string): string | null;
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
export function primitive(fiberyType: string, sql: (t: string) => string, meta: Meta = {}): FieldModel {
  return { ...PRIMITIVE_TYPES[fiberyType]!, sql, fiberyType, meta };
}

export const field = {
  /** `fibery/id` of built-in types: any string may be compared, so an unknown id matches nothing. */
  uuid: (sql: (t: string) => string, meta: Meta = {}): FieldModel => ({
    sql,
    kind: 'uuid',
    fiberyType: 'fibery/uuid',
    meta,
    decode: (v) => v,
    encode: asString,
  }),
  /** Fibery's public ids are numeric-looking strings ("42"); stored as integers. */
  numberText: (sql: (t: string) => string, meta: Meta = {}): FieldModel => ({
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
  source: (t) => ({
    table: `workspace_users ${t}`,
    joins: [`accounts ${t}_a ON ${t}_a.id = ${t}.account_id`],
  }),
  scope: (t, workspace) => `${t}.workspace_id = ${workspace()}`,
  idField: 'fibery/id',
  fields: {
    'fibery/id': field.uuid((t) => `${t}.id`, { 'fibery/id?': true, ...readonly }),
    'fibery/public-id': field.numberText((t) => `${t}.public_id`, { 'fibery/public-id?': true, ...readonly }),
    'user/name': primitive('fibery/text', (t) => `${t}_a.name`, {
      'ui/title?': true,
      'fibery/required?': true,
    }),
    'user/email': primitive('fibery/email', (t) => `${t}_a.email`, { 'fibery/unique?': true, ...readonly }),
    'fibery/role': primitive('fibery/text', (t) => `${t}.role`, readonly),
    'fibery/active?': primitive('fibery/bool', (t) => `${t}.active`, { 'fibery/default-value': true }),
    'fibery/creation-date': primitive('fibery/date-time', (t) => `${t}.created_at`, {
      'fibery/creation-date?': true,
      ...readonly,
    }),
    'fibery/modification-date': primitive('fibery/date-time', (t) => `${t}.updated_at`, {
      'fibery/modification-date?': true,
      ...readonly,
    }),
  },
};

/** The types every workspace has. */
export const builtInTypes: Record<string, TypeModel> = { [fiberyUserType.name]: fiberyUserType };

/** The field `name` of `type`, or entity.error/schema-field-not-found. */
export function fieldOf(type: TypeModel, name: string): FieldModel {
  const field = Object.hasOwn(type.fields, name) ? type.fields[name] : undefined;
  if (!field) throw fieldNotFound(type.name, name, Object.keys(type.fields));
  return field;
}
