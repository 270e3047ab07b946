/**
 * Adding a field: a primitive column, or one side of a relation. A relation is two fields (one per
 * side) sharing `fibery/meta."fibery/relation"`, or one field alone. Its links are stored once: in a
 * column of the to-one side's table (indexed), read in reverse by the other side; or, when both sides
 * are collections (or a collection stands alone), in a join table indexed both ways. Sides may come in
 * either order; a side that changes how the relation is stored (a to-one side joining a lone
 * collection) does so only while it has no links.
 */
import { randomUUID } from 'node:crypto';
import type { SchemaField, SchemaType } from '../../storage/index.ts';
import { commandError, show } from '../core/index.ts';
import { PRIMITIVE_TYPES } from '../model/index.ts';
import {
  checkFreeName,
  currentSchema,
  type FieldSpec,
  findType,
  generated,
  partnerOf,
  type SchemaChange,
} from './change.ts';
import { addRelationColumn, createJoinTable } from './ddl.ts';

type Partner = NonNullable<ReturnType<typeof partnerOf>>;
type NewField = Pick<SchemaField, 'id' | 'name' | 'meta'>;

/**
 * Adds a field to `holder` (by name, as it stands in the transaction). Names are checked by the
 * caller.
 */
export async function addField(
  change: SchemaChange,
  holderName: string,
  spec: FieldSpec,
): Promise<SchemaField> {
  const types = await currentSchema(change);
  const holder = findType(types, holderName);
  checkFreeName(holder, spec.name);
  const position = holder.fields.length;
  const base: NewField = { id: randomUUID(), name: spec.name, meta: spec.meta };
  const field =
    typeof spec.fiberyType === 'string' && Object.hasOwn(PRIMITIVE_TYPES, spec.fiberyType)
      ? await primitiveField(change, holder, base, spec.fiberyType)
      : await relationField(change, types, holder, base, spec);
  await change.tx.createSchemaField(holder.id, field, position);
  return field;
}

async function primitiveField(change: SchemaChange, holder: SchemaType, base: NewField, fiberyType: string) {
  const column = generated('f');
  await change.tx.execDdl(
    `ALTER TABLE ${holder.tableName} ADD COLUMN ${column} ${PRIMITIVE_TYPES[fiberyType]!.columnType}`,
  );
  return { ...base, fiberyType, columnName: column, storage: null };
}

async function relationField(
  change: SchemaChange,
  types: SchemaType[],
  holder: SchemaType,
  base: NewField,
  spec: FieldSpec,
): Promise<SchemaField> {
  const target = relationTarget(types, spec);
  const relation = relationId(spec.meta);
  const field: SchemaField = { ...base, fiberyType: target, columnName: '', storage: { kind: 'column' } };
  const partner = partnerOf(types, { ...field, id: '' });
  if (partner) checkPartner(types, relation, partner, holder.name, target);
  return spec.meta['fibery/collection?'] === true
    ? collectionSide(change, field, partner)
    : toOneSide(change, holder, field, partner);
}

/** The database a relation field points to: `fibery/user` or one of the workspace's. */
function relationTarget(types: SchemaType[], spec: FieldSpec): string {
  const { fiberyType } = spec;
  const target = fiberyType === 'fibery/user' ? fiberyType : types.find((t) => t.name === fiberyType)?.name;
  if (typeof fiberyType !== 'string' || !target)
    throw commandError(
      'schema.error/unsupported-field-type',
      `Field "${spec.name}" has type ${show(fiberyType)}: neither a primitive type (fibery/text, fibery/int, …) nor a database of this workspace.`,
    );
  return target;
}

/** `fibery/relation`: absent, or the id both sides share. */
function relationId(meta: Record<string, unknown>): unknown {
  const relation = meta['fibery/relation'];
  if (
    relation !== undefined &&
    (typeof relation !== 'string' || relation.length === 0 || relation.length > 100)
  )
    throw commandError(
      'schema.error/invalid-relation',
      'fibery/relation is an id (a string) shared by both sides.',
    );
  return relation;
}

/** The second side of a relation mirrors the first: its holder is the first's target, and back. */
function checkPartner(
  types: SchemaType[],
  relation: unknown,
  partner: Partner,
  holder: string,
  target: string,
) {
  const sides = types.flatMap((t) => t.fields).filter((f) => f.meta['fibery/relation'] === relation);
  if (sides.length > 1)
    throw commandError(
      'schema.error/invalid-relation',
      `Relation ${show(relation)} has both its sides already.`,
    );
  if (partner.field.fiberyType !== holder || partner.holder.name !== target)
    throw commandError(
      'schema.error/invalid-relation',
      `The other side of relation ${show(relation)} is "${partner.field.name}" of "${partner.holder.name}", pointing to "${partner.field.fiberyType}": this side must be a field of "${partner.field.fiberyType}" pointing to "${partner.holder.name}".`,
    );
}

/** A to-one side: a column of its own, or the reverse of its partner's column (one-to-one). */
async function toOneSide(change: SchemaChange, holder: SchemaType, field: SchemaField, partner?: Partner) {
  const partnerStorage = partner?.field.storage;
  if (partnerStorage?.kind === 'column')
    return { ...field, storage: { kind: 'reverse' as const, field: partner!.field.id } };
  if (partnerStorage?.kind === 'join') {
    // A lone collection gets its to-one side: its links move to this side's column, if it has none.
    const links = await change.tx.queryRows(`SELECT 1 AS found FROM ${partnerStorage.table} LIMIT 1`, []);
    if (links.length > 0)
      throw commandError(
        'schema.error/invalid-relation',
        `"${partner!.field.name}" has links already; create both sides of a relation in one fibery.schema/batch.`,
      );
    await change.tx.execDdl(`DROP TABLE ${partnerStorage.table}`);
  }
  const columnName = await addRelationColumn(change, holder.tableName);
  if (partner)
    await change.tx.updateSchemaField(partner.field.id, { storage: { kind: 'reverse', field: field.id } });
  return { ...field, columnName };
}

/** A collection side: the reverse of a to-one partner's column, its partner's join table, or a new one. */
async function collectionSide(change: SchemaChange, field: SchemaField, partner?: Partner) {
  const partnerStorage = partner?.field.storage;
  if (partnerStorage?.kind === 'column')
    return { ...field, storage: { kind: 'reverse' as const, field: partner!.field.id } };
  if (partnerStorage?.kind === 'join')
    return {
      ...field,
      storage: {
        kind: 'join' as const,
        table: partnerStorage.table,
        self: partnerStorage.other,
        other: partnerStorage.self,
      },
    };
  return { ...field, storage: await createJoinTable(change) };
}
