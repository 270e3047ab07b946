/**
 * A workspace's domain types, from its stored schema, as the type model the compiler uses. Every
 * domain table has the standard columns; each field adds a generated column.
 */
import type { Repositories, SchemaType } from '../../storage/index.ts';
import { PRIMITIVE_TYPES } from './primitive-types.ts';
import { builtInTypes, type FieldModel, type TypeModel } from './type-model.ts';

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
};

function standardField(name: string): FieldModel {
  const standard = STANDARD_FIELDS[name]!;
  const primitive = PRIMITIVE_TYPES[standard.fiberyType]!;
  if (name === 'fibery/public-id') {
    // Stored as an integer, shown as Fibery's numeric-looking string.
    return {
      ...builtInTypes['fibery/user']!.fields['fibery/public-id']!,
      sql: `t.${standard.column}`,
      meta: standard.meta,
    };
  }
  return { ...primitive, sql: `t.${standard.column}`, fiberyType: standard.fiberyType, meta: standard.meta };
}

export function domainTypeModel(type: SchemaType): TypeModel {
  const fields: Record<string, FieldModel> = {};
  for (const name of Object.keys(STANDARD_FIELDS)) fields[name] = standardField(name);
  for (const field of type.fields) {
    const primitive = PRIMITIVE_TYPES[field.fiberyType]!;
    fields[field.name] = {
      ...primitive,
      sql: `t.${field.columnName}`,
      fiberyType: field.fiberyType,
      meta: field.meta,
      column: field.columnName,
    };
  }
  return {
    name: type.name,
    meta: type.meta,
    domain: { id: type.id, table: type.tableName },
    from: `${type.tableName} t`,
    scope: '1 = 1',
    idField: 'fibery/id',
    fields,
  };
}

export interface WorkspaceTypes {
  /** Schema version: moves with every schema change. */
  version: number;
  types: Record<string, TypeModel>;
}

/** Built-in and domain types of a workspace, read in one go per command. */
export async function loadWorkspaceTypes(db: Repositories, workspaceId: string): Promise<WorkspaceTypes> {
  const schema = await db.getSchema(workspaceId);
  const types: Record<string, TypeModel> = { ...builtInTypes };
  for (const type of schema.types) types[type.name] = domainTypeModel(type);
  return { version: schema.version, types };
}
