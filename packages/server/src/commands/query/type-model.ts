/**
 * What the query compiler knows of a database ("type"): where its rows come from in SQL and, for each
 * field, the SQL expression that reads it, how a stored value becomes Fibery's JSON and how a
 * parameter becomes a stored value. Built-in types are declared here; domain types will be derived
 * from the stored schema the same way. Identifiers from a query never reach SQL: only these
 * expressions do.
 */
export type FieldKind = 'uuid' | 'text' | 'email' | 'boolean' | 'date-time' | 'number-text';

export interface FieldModel {
  /** SQL reading the field, in terms of the type's `from` aliases. */
  sql: string;
  kind: FieldKind;
  /** Stored value → JSON value. */
  decode(value: unknown): unknown;
  /** Parameter value → stored value; throws TypeError when the value cannot be one. */
  encode(value: unknown): string | number | boolean;
}

export interface TypeModel {
  name: string;
  /** FROM clause; `$workspace` stands for the bound workspace id in `scope`. */
  from: string;
  /** Condition that keeps the rows of the caller's workspace. */
  scope: string;
  /** The unique field that orders ties deterministically. */
  idField: string;
  fields: Record<string, FieldModel>;
}

const asString = (value: unknown) => {
  if (typeof value !== 'string') throw new TypeError('must be a string');
  return value;
};

const field = {
  uuid: (sql: string): FieldModel => ({ sql, kind: 'uuid', decode: (v) => v, encode: asString }),
  text: (sql: string): FieldModel => ({ sql, kind: 'text', decode: (v) => v, encode: asString }),
  email: (sql: string): FieldModel => ({ sql, kind: 'email', decode: (v) => v, encode: asString }),
  boolean: (sql: string): FieldModel => ({
    sql,
    kind: 'boolean',
    decode: (v) => (v === null ? null : Boolean(v)),
    encode: (v) => {
      if (typeof v !== 'boolean') throw new TypeError('must be true or false');
      return v;
    },
  }),
  /** Stored as epoch milliseconds; Fibery speaks ISO 8601. */
  dateTime: (sql: string): FieldModel => ({
    sql,
    kind: 'date-time',
    decode: (v) => (v === null ? null : new Date(Number(v)).toISOString()),
    encode: (v) => {
      const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
      if (Number.isNaN(ms)) throw new TypeError('must be an ISO 8601 date, like 2026-01-31T00:00:00.000Z');
      return ms;
    },
  }),
  /** Fibery's public ids are numeric-looking strings ("42"); stored as integers. */
  numberText: (sql: string): FieldModel => ({
    sql,
    kind: 'number-text',
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

/** `fibery/user`: the workspace's users (reference §4.3). */
export const fiberyUserType: TypeModel = {
  name: 'fibery/user',
  from: 'workspace_users u JOIN accounts a ON a.id = u.account_id',
  scope: 'u.workspace_id = $workspace',
  idField: 'fibery/id',
  fields: {
    'fibery/id': field.uuid('u.id'),
    'fibery/public-id': field.numberText('u.public_id'),
    'user/name': field.text('a.name'),
    'user/email': field.email('a.email'),
    'fibery/role': field.text('u.role'),
    'fibery/active?': field.boolean('u.active'),
    'fibery/creation-date': field.dateTime('u.created_at'),
    'fibery/modification-date': field.dateTime('u.updated_at'),
  },
};

/** The types every workspace has. */
export const builtInTypes: Record<string, TypeModel> = { [fiberyUserType.name]: fiberyUserType };
