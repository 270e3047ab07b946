/** Sub-commands on fields: create, rename, set and delete meta, delete. */

import { addField } from './add-field.ts';
import {
  checkFreeName,
  currentSchema,
  findField,
  findType,
  type SchemaChange,
  userExtension,
} from './change.ts';
import { checkName, invalidCommand, meta, metaKey } from './names.ts';
import { removeField } from './remove-field.ts';

export async function createField(args: Record<string, unknown>, change: SchemaChange) {
  const holder =
    args['fibery/holder-type'] === 'fibery/user'
      ? await userExtension(change)
      : findType(await currentSchema(change), args['fibery/holder-type']);
  await addField(change, holder.name, {
    name: checkName(args['fibery/name'], 'Field name', { field: true }),
    fiberyType: args['fibery/type'],
    meta: meta(args['fibery/meta']),
  });
}

export async function deleteField(args: Record<string, unknown>, change: SchemaChange) {
  const holder = findType(await currentSchema(change), args['holder-type'] ?? args['fibery/holder-type']);
  await removeField(change, holder, findField(holder, args.name ?? args['fibery/name']));
}

export async function renameField(args: Record<string, unknown>, change: SchemaChange) {
  const holder = findType(await currentSchema(change), args['holder-type']);
  const field = findField(holder, args['from-name']);
  const to = checkName(args['to-name'], 'Field name', { field: true });
  checkFreeName(holder, to);
  await change.tx.updateSchemaField(field.id, { name: to });
}

export async function setFieldMeta(args: Record<string, unknown>, change: SchemaChange) {
  const holder = findType(await currentSchema(change), args['holder-type']);
  const field = findField(holder, args.name);
  const key = metaKey(args);
  if (!('value' in args)) throw invalidCommand('schema.field/set-meta takes a value.');
  await change.tx.updateSchemaField(field.id, { meta: { ...field.meta, [key]: args.value } });
}

export async function deleteFieldMeta(args: Record<string, unknown>, change: SchemaChange) {
  const holder = findType(await currentSchema(change), args['holder-type']);
  const field = findField(holder, args.name);
  const key = metaKey(args);
  const { [key]: _removed, ...rest } = field.meta;
  await change.tx.updateSchemaField(field.id, { meta: rest });
}
