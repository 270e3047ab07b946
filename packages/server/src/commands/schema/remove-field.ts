import type { SchemaField, SchemaType } from '../../storage/index.ts';
import { currentSchema, partnerOf, type SchemaChange, userRows } from './change.ts';
import { addRelationColumn, createJoinTable } from './ddl.ts';

/**
 * Removes a field and what stores it. Deleting the side that holds a relation's column keeps the
 * other side and its links: a collection moves to a join table, a to-one side to a column of its own.
 */
export async function removeField(change: SchemaChange, holder: SchemaType, field: SchemaField) {
  const types = await currentSchema(change);
  const storage = field.storage;
  if (!storage) {
    await change.tx.execDdl(`ALTER TABLE ${holder.tableName} DROP COLUMN ${field.columnName}`);
  } else if (storage.kind === 'column') {
    const dependent = types
      .flatMap((t) => t.fields.map((f) => ({ holder: t, field: f })))
      .find((entry) => entry.field.storage?.kind === 'reverse' && entry.field.storage.field === field.id);
    if (dependent) {
      const { holder: other, field: side } = dependent;
      if (side.meta['fibery/collection?'] === true) {
        const join = await createJoinTable(change);
        await change.tx.runStatement(
          `INSERT INTO ${join.table} (a, b) SELECT ${field.columnName}, id FROM ${holder.tableName} WHERE ${field.columnName} IS NOT NULL`,
          [],
        );
        await change.tx.updateSchemaField(side.id, { storage: join });
      } else {
        // Every user gets an extension row to hold the link that moves to that side.
        if (other.name === 'fibery/user') await userRows(change.tx, other.tableName, change.workspaceId);
        const column = await addRelationColumn(change, other.tableName);
        await change.tx.runStatement(
          `UPDATE ${other.tableName} SET ${column} = (SELECT h.id FROM ${holder.tableName} h WHERE h.${field.columnName} = ${other.tableName}.id LIMIT 1)`,
          [],
        );
        await change.tx.updateSchemaField(side.id, { storage: { kind: 'column' }, columnName: column });
      }
    }
    await change.tx.execDdl(`DROP INDEX i_${field.columnName}`);
    await change.tx.execDdl(`ALTER TABLE ${holder.tableName} DROP COLUMN ${field.columnName}`);
  } else if (storage.kind === 'join') {
    const shared = partnerOf(types, field)?.field.storage;
    if (!(shared?.kind === 'join' && shared.table === storage.table))
      await change.tx.execDdl(`DROP TABLE ${storage.table}`);
  }
  await change.tx.deleteSchemaField(field.id);
}
