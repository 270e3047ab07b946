/** Sub-commands on databases and enums: create, rename, set meta, delete. */
import { randomUUID } from 'node:crypto';
import type { SchemaType } from '../../storage/index.ts';
import { builtInType, commandError, isObject } from '../core/index.ts';
import { STANDARD_FIELDS } from '../model/index.ts';
import { addField } from './add-field.ts';
import { currentSchema, type FieldSpec, findType, generated, type SchemaChange } from './change.ts';
import { countRows, createTable } from './ddl.ts';
import { checkEnumName, checkName, invalidCommand, meta, metaKey } from './names.ts';
import { removeField } from './remove-field.ts';

export async function createType(args: Record<string, unknown>, change: SchemaChange) {
  const name = checkName(args['fibery/name'], 'Database name');
  await createTypeNamed(change, name, meta(args['fibery/meta']), args['fibery/fields'] ?? [], (f) =>
    checkName(f, 'Field name', { field: true }),
  );
}

/** Creates a database and its fields; `check` vets each field name. */
export async function createTypeNamed(
  change: SchemaChange,
  name: string,
  typeMeta: Record<string, unknown>,
  fields: unknown,
  check: (name: unknown) => string,
): Promise<SchemaType> {
  if ((await currentSchema(change)).some((t) => t.name === name) || name === 'fibery/user')
    throw commandError('schema.error/type-exists', `"${name}" database exists already.`);
  if (!Array.isArray(fields)) throw invalidCommand('fibery/fields is a list of fields.');
  const id = randomUUID();
  const table = generated('e');
  await change.tx.createSchemaType(
    change.workspaceId,
    { id, name, tableName: table, meta: typeMeta },
    change.now,
  );
  await createTable(change, table);
  for (const field of fields) {
    if (!isObject(field)) throw invalidCommand('Each of fibery/fields is an object.');
    const fieldName = field['fibery/name'];
    // The standard fields are every database's own; their declarations are accepted and not stored.
    if (typeof fieldName === 'string' && Object.hasOwn(STANDARD_FIELDS, fieldName)) continue;
    await addField(change, name, {
      name: check(fieldName),
      fiberyType: field['fibery/type'],
      meta: meta(field['fibery/meta']),
    });
  }
  return findType(await currentSchema(change), name);
}

const ENUM_FIELDS: FieldSpec[] = [
  { name: 'enum/name', fiberyType: 'fibery/text', meta: { 'ui/title?': true, 'fibery/required?': true } },
  { name: 'enum/color', fiberyType: 'fibery/text', meta: {} },
  { name: 'enum/icon', fiberyType: 'fibery/text', meta: {} },
  { name: 'fibery/rank', fiberyType: 'fibery/rank', meta: {} },
];

/** An enum (single- or multi-select options, workflow states): a database of options. */
export async function createEnum(
  change: SchemaChange,
  name: string,
  enumMeta: Record<string, unknown>,
  extra: FieldSpec[] = [],
) {
  const type = await createTypeNamed(
    change,
    name,
    { 'fibery/enum?': true, 'fibery/domain?': false, ...enumMeta },
    [],
    (f) => f as string,
  );
  for (const spec of [...ENUM_FIELDS, ...extra]) await addField(change, name, spec);
  return findType(await currentSchema(change), type.name);
}

export async function createEnumCommand(args: Record<string, unknown>, change: SchemaChange) {
  await createEnum(change, checkEnumName(args['fibery/name']), meta(args['fibery/meta']));
}

export async function renameType(args: Record<string, unknown>, change: SchemaChange) {
  const types = await currentSchema(change);
  if (args['from-name'] === 'fibery/user') throw builtInType();
  const type = findType(types, args['from-name']);
  const to =
    type.meta['fibery/enum?'] === true
      ? checkEnumName(args['to-name'])
      : checkName(args['to-name'], 'Database name');
  if (types.some((t) => t.name === to))
    throw commandError('schema.error/type-exists', `"${to.slice(0, 200)}" database exists already.`);
  await change.tx.updateSchemaType(type.id, { name: to });
  for (const holder of types)
    for (const field of holder.fields)
      if (field.storage && field.fiberyType === type.name)
        await change.tx.updateSchemaField(field.id, { fiberyType: to });
}

export async function setTypeMeta(args: Record<string, unknown>, change: SchemaChange) {
  if ((args.name ?? args['fibery/name']) === 'fibery/user') throw builtInType();
  const type = findType(await currentSchema(change), args.name ?? args['fibery/name']);
  const key = metaKey(args);
  await change.tx.updateSchemaType(type.id, { meta: { ...type.meta, [key]: args.value } });
}

export async function deleteType(args: Record<string, unknown>, change: SchemaChange) {
  if ((args.name ?? args['fibery/name']) === 'fibery/user') throw builtInType();
  const types = await currentSchema(change);
  const type = findType(types, args.name ?? args['fibery/name']);
  const related = types
    .filter((t) => t.id !== type.id)
    .flatMap((t) =>
      t.fields.filter((f) => f.storage && f.fiberyType === type.name).map((f) => ({ holder: t, field: f })),
    );
  if (related.length > 0 && args['delete-related-fields?'] !== true) {
    throw commandError(
      'schema.error/type-in-use',
      `"${type.name}" is used by ${related.map((r) => `"${r.holder.name}"."${r.field.name}"`).join(', ')}; delete those fields first, or pass "delete-related-fields?": true.`,
      { fields: related.map((r) => ({ type: r.holder.name, field: r.field.name })) },
    );
  }
  const entities = await countRows(change, type.tableName);
  if (entities > 0 && args['delete-entities?'] !== true) {
    throw commandError(
      'schema.error/type-has-entities',
      `"${type.name}" has ${entities} entities; delete them first, or pass "delete-entities?": true.`,
      { entities },
    );
  }
  for (const { holder, field } of related) {
    const fresh = findType(await currentSchema(change), holder.name);
    const current = fresh.fields.find((f) => f.id === field.id);
    if (current) await removeField(change, fresh, current);
  }
  for (;;) {
    const fresh = findType(await currentSchema(change), type.name);
    const own = fresh.fields.find((f) => f.storage);
    if (!own) break;
    await removeField(change, fresh, own);
  }
  await change.tx.execDdl(`DROP TABLE ${type.tableName}`);
  await change.tx.deleteSchemaType(type.id);
}
