/**
 * A workspace's domain types, from its stored schema, as the type model the compiler uses. Every
 * domain table has the standard columns; each primitive field adds a generated column, and each
 * relation field is stored as `RelationStorage` says (a column, its partner's column, a join table).
 */
import type { Repositories, SchemaField, SchemaType } from '../../storage/index.ts';
import { PRIMITIVE_TYPES } from './primitive-types.ts';
import { builtInTypes, type FieldModel, type RelationModel, type TypeModel } from './type-model.ts';

/** The fields every domain type has (reference §4.2), with the columns that hold them. */
export const STANDARD_FIELDS: Record<
  string,
  { column: string; fiberyType: string; meta: Record<string, unknown> }
> = {
  'fibery/id': {
    column: 'id',
    fiberyType: 'fibery/uuid',
    meta: { 'fibery/id?': true, 'fibery/readonly?': true },
  },
  'fibery/public-id': {
    column: 'public_id',
    fiberyType: 'fibery/text',
    meta: { 'fibery/public-id?': true, 'fibery/readonly?': true },
  },
  'fibery/creation-date': {
    column: 'creation_date',
    fiberyType: 'fibery/date-time',
    meta: { 'fibery/creation-date?': true, 'fibery/readonly?': true, 'fibery/default-value': '$now' },
  },
  'fibery/modification-date': {
    column: 'modification_date',
    fiberyType: 'fibery/date-time',
    meta: { 'fibery/modification-date?': true, 'fibery/readonly?': true, 'fibery/default-value': '$now' },
  },
  'fibery/created-by': {
    column: 'created_by',
    fiberyType: 'fibery/user',
    meta: { 'fibery/readonly?': true, 'fibery/default-value': { 'fibery/id': '$my-id' } },
  },
};

const uuid = PRIMITIVE_TYPES['fibery/uuid']!;

/** A field holding related ids: compared and encoded as a UUID, never decoded on its own. */
function relationField(
  sql: (t: string) => string,
  fiberyType: string,
  meta: Record<string, unknown>,
  relation: RelationModel,
  column?: string,
): FieldModel {
  return { ...uuid, sql, fiberyType, meta, relation, ...(column ? { column } : {}) };
}

function standardField(name: string): FieldModel {
  const standard = STANDARD_FIELDS[name]!;
  const sql = (t: string) => `${t}.${standard.column}`;
  if (name === 'fibery/public-id') {
    // Stored as an integer, shown as Fibery's numeric-looking string.
    return { ...builtInTypes['fibery/user']!.fields['fibery/public-id']!, sql, meta: standard.meta };
  }
  if (name === 'fibery/created-by') {
    return relationField(sql, 'fibery/user', standard.meta, {
      target: 'fibery/user',
      collection: false,
      link: { kind: 'column', column: standard.column },
    });
  }
  const primitive = PRIMITIVE_TYPES[standard.fiberyType]!;
  return { ...primitive, sql, fiberyType: standard.fiberyType, meta: standard.meta };
}

interface SchemaIndex {
  types: SchemaType[];
  fields: Map<string, { field: SchemaField; holder: SchemaType }>;
}

/** Where `fibery/user`'s own fields are joined to a user row: `<alias>_x`. */
export const USER_EXTENSION = '_x';
const suffixOf = (holder: SchemaType | undefined) => (holder?.name === 'fibery/user' ? USER_EXTENSION : '');

/**
 * The model of a relation field of `holder`, from its storage and (for a stored-elsewhere side) its
 * partner's.
 */
function relationModel(field: SchemaField, holder: SchemaType, index: SchemaIndex): FieldModel {
  const storage = field.storage!;
  const collection = field.meta['fibery/collection?'] === true;
  const relationId = field.meta['fibery/relation'];
  const partnerEntry =
    typeof relationId === 'string'
      ? [...index.fields.values()].find(
          (entry) => entry.field.id !== field.id && entry.field.meta['fibery/relation'] === relationId,
        )
      : undefined;
  const partner = partnerEntry
    ? { type: partnerEntry.holder.name, field: partnerEntry.field.name }
    : undefined;
  const base = { target: field.fiberyType, collection, fieldId: field.id, ...(partner ? { partner } : {}) };
  if (storage.kind === 'column') {
    const column = field.columnName;
    const at = suffixOf(holder);
    return relationField(
      (t) => `${t}${at}.${column}`,
      field.fiberyType,
      field.meta,
      { ...base, link: { kind: 'column', column, ...(at ? { at } : {}) } },
      column,
    );
  }
  if (storage.kind === 'join') {
    const { table, self, other } = storage;
    return relationField(() => 'NULL', field.fiberyType, field.meta, {
      ...base,
      link: { kind: 'join', table, self, other },
    });
  }
  const reverse = index.fields.get(storage.field);
  const column = reverse?.field.columnName ?? 'id';
  const table = reverse?.holder.tableName ?? 'missing';
  const at = suffixOf(reverse?.holder);
  // A to-one side read through its partner's column (the second side of a one-to-one relation).
  const sql = collection
    ? () => 'NULL'
    : (t: string) => `(SELECT r.id FROM ${table} r WHERE r.${column} = ${t}.id LIMIT 1)`;
  return relationField(sql, field.fiberyType, field.meta, {
    ...base,
    link: { kind: 'reverse', column, ...(at ? { at } : {}) },
  });
}

export function domainTypeModel(type: SchemaType, index: SchemaIndex): TypeModel {
  const fields: Record<string, FieldModel> = {};
  for (const name of Object.keys(STANDARD_FIELDS)) fields[name] = standardField(name);
  for (const field of type.fields) {
    if (field.storage) {
      fields[field.name] = relationModel(field, type, index);
      continue;
    }
    const primitive = PRIMITIVE_TYPES[field.fiberyType]!;
    const column = field.columnName;
    fields[field.name] = {
      ...primitive,
      sql: (t) => `${t}.${column}`,
      fiberyType: field.fiberyType,
      meta: field.meta,
      column,
    };
  }
  return {
    name: type.name,
    meta: type.meta,
    domain: { id: type.id, table: type.tableName },
    source: (t) => ({ table: `${type.tableName} ${t}`, joins: [] }),
    scope: () => null,
    idField: 'fibery/id',
    fields,
  };
}

/**
 * `fibery/user` with the workspace's own fields of users (`type`, stored as a database named
 * `fibery/user`): its built-in fields as they are, each own field read from the extension table
 * joined as `<alias>_x` (a user without a row there has none of them set), and the modification date
 * the later of the user's and its extension row's.
 */
function extendedUserType(type: SchemaType, index: SchemaIndex): TypeModel {
  const base = builtInTypes['fibery/user']!;
  const fields: Record<string, FieldModel> = { ...base.fields };
  for (const field of type.fields) {
    if (field.storage) {
      fields[field.name] = relationModel(field, type, index);
      continue;
    }
    const column = field.columnName;
    fields[field.name] = {
      ...PRIMITIVE_TYPES[field.fiberyType]!,
      sql: (t) => `${t}${USER_EXTENSION}.${column}`,
      fiberyType: field.fiberyType,
      meta: field.meta,
      column,
    };
  }
  const modified = base.fields['fibery/modification-date']!;
  fields['fibery/modification-date'] = {
    ...modified,
    sql: (t) =>
      `CASE WHEN ${t}${USER_EXTENSION}.modification_date > ${t}.updated_at THEN ${t}${USER_EXTENSION}.modification_date ELSE ${t}.updated_at END`,
  };
  return {
    ...base,
    extension: { id: type.id, table: type.tableName },
    source: (t) => {
      const own = base.source(t);
      const extension = `${type.tableName} ${t}${USER_EXTENSION} ON ${t}${USER_EXTENSION}.id = ${t}.id`;
      return { table: own.table, joins: [...own.joins, extension], extension };
    },
    fields,
  };
}

export interface WorkspaceTypes {
  /** Schema version: moves with every schema change. */
  version: number;
  types: Record<string, TypeModel>;
}

/** Built-in and domain types of a workspace, read in one go. */
async function readWorkspaceTypes(db: Repositories, workspaceId: string): Promise<WorkspaceTypes> {
  const schema = await db.getSchema(workspaceId);
  const types: Record<string, TypeModel> = { ...builtInTypes };
  const index: SchemaIndex = { types: schema.types, fields: new Map() };
  for (const holder of schema.types)
    for (const field of holder.fields) index.fields.set(field.id, { field, holder });
  for (const type of schema.types)
    types[type.name] =
      type.name === 'fibery/user' ? extendedUserType(type, index) : domainTypeModel(type, index);
  return { version: schema.version, types };
}

type VersionedStorage = Repositories & { dataVersion?: () => string | null };
const caches = new WeakMap<object, Map<string, { key: string; value: WorkspaceTypes }>>();
const MAX_CACHED_WORKSPACES = 1000;

/**
 * The workspace's types, cached per storage while they cannot have changed: on SQLite while the
 * storage's data version stays the same (no query at all), elsewhere while the workspace's schema
 * version does (one small query). The key is read before the schema, so an entry is never older than
 * its key. Inside a transaction (no `dataVersion`) nothing is cached: it may roll back what it read.
 */
export async function loadWorkspaceTypes(db: VersionedStorage, workspaceId: string): Promise<WorkspaceTypes> {
  if (typeof db.dataVersion !== 'function') return readWorkspaceTypes(db, workspaceId);
  // Keyed by the version signal, which a storage shares with the scoped storages of its requests.
  let cache = caches.get(db.dataVersion);
  if (!cache) {
    cache = new Map();
    caches.set(db.dataVersion, cache);
  }
  const version = db.dataVersion();
  const key = version ?? `schema:${await db.getSchemaVersion(workspaceId)}`;
  const cached = cache.get(workspaceId);
  if (cached?.key === key) return cached.value;
  const value = await readWorkspaceTypes(db, workspaceId);
  if (cache.size >= MAX_CACHED_WORKSPACES) cache.clear();
  cache.set(workspaceId, { key, value });
  return value;
}
