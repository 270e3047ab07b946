/** One entity read, created, updated or deleted, with its links. */
import { randomUUID } from 'node:crypto';
import type { SqlValue } from '../../storage/index.ts';
import { commandError } from '../core/index.ts';
import type { TypeModel } from '../model/index.ts';
import { executeQuery, type ParsedQuery, type QueryExecutor, type SelectNode } from '../query/index.ts';
import { assignments, defaults, missing } from './values.ts';
import { type DomainType, entityId, notFound, tableOf, userWrite, type Write } from './write.ts';

/** The entity as a query returns it: its values, and each to-one relation as {"fibery/id"}. */
export async function readEntity(w: Write, type: TypeModel, id: string) {
  const nodes: SelectNode[] = [];
  for (const [name, field] of Object.entries(type.fields)) {
    const relation = field.relation;
    if (!relation) {
      nodes.push({ kind: 'value', key: name, path: { steps: [], field, name } });
    } else if (!relation.collection) {
      const target = w.types[relation.target]!;
      const step = { relation, target };
      const idField = target.fields[target.idField]!;
      nodes.push({
        kind: 'object',
        key: name,
        present: { steps: [], field, name },
        children: [{ kind: 'value', key: 'fibery/id', path: { steps: [step], field: idField, name } }],
      });
    }
  }
  const query: ParsedQuery = {
    type,
    select: { kind: 'rows', nodes },
    where: {
      kind: 'compare',
      op: '=',
      path: { steps: [], field: type.fields['fibery/id']!, name: 'fibery/id' },
      value: id,
    },
    orderBy: [],
    limit: 1,
    offset: 0,
  };
  const [entity] = await executeQuery(query, w.tx as QueryExecutor, w.context.principal.workspace.id);
  return entity;
}

export async function exists(w: Write, type: DomainType, id: string) {
  return (await missing(w, type.name, [id])).length === 0;
}

export async function createEntity(w: Write, type: DomainType, raw: Record<string, unknown>) {
  const entity = await defaults(w, type, raw);
  const id =
    entity['fibery/id'] === undefined || entity['fibery/id'] === null
      ? randomUUID()
      : entityId(entity['fibery/id']);
  const { columns, after } = await assignments(w, type, entity);
  if (await exists(w, type, id))
    throw commandError('entity.error/entity-exists', `An entity with fibery/id ${id} exists already.`, {
      id,
    });
  const now = w.context.clock.now();
  const values: SqlValue[] = [
    id,
    await w.tx.nextPublicId(type.domain.id),
    now,
    now,
    w.context.principal.user.id,
    ...columns.map((c) => c.value),
  ];
  const names = [
    'id',
    'public_id',
    'creation_date',
    'modification_date',
    'created_by',
    ...columns.map((c) => c.column),
  ];
  await w.tx.runStatement(
    `INSERT INTO ${type.domain.table} (${names.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
    values,
  );
  for (const apply of after) await apply(id);
  return readEntity(w, type, id);
}

export async function updateEntity(w: Write, type: DomainType, id: string, entity: Record<string, unknown>) {
  if (type.name === 'fibery/user') await userWrite(w, type, id);
  const { columns, after } = await assignments(w, type, entity);
  const sets = [
    ...columns.map((c, i) => `${c.column} = $${i + 1}`),
    `modification_date = $${columns.length + 1}`,
  ];
  const changed = await w.tx.runStatement(
    `UPDATE ${type.domain.table} SET ${sets.join(', ')} WHERE id = $${columns.length + 2}`,
    [...columns.map((c) => c.value), w.context.clock.now(), id],
  );
  if (changed === 0) throw notFound(type, id);
  for (const apply of after) await apply(id);
  return readEntity(w, type, id);
}

/** Deletes an entity and every link to it (relation columns cleared, join rows removed). */
export async function deleteEntity(w: Write, type: DomainType, id: string): Promise<boolean> {
  const statements = new Set<string>();
  for (const holder of Object.values(w.types)) {
    for (const field of Object.values(holder.fields)) {
      const relation = field.relation;
      if (!relation || !(holder.domain || holder.extension)) continue;
      const { link } = relation;
      if (link.kind === 'column' && relation.target === type.name)
        statements.add(`UPDATE ${tableOf(holder)} SET ${link.column} = NULL WHERE ${link.column} = $1`);
      if (link.kind === 'join') {
        if (holder.name === type.name) statements.add(`DELETE FROM ${link.table} WHERE ${link.self} = $1`);
        if (relation.target === type.name)
          statements.add(`DELETE FROM ${link.table} WHERE ${link.other} = $1`);
      }
    }
  }
  const deleted = await w.tx.runStatement(`DELETE FROM ${type.domain.table} WHERE id = $1`, [id]);
  if (deleted === 0) return false;
  for (const sql of statements) await w.tx.runStatement(sql, [id]);
  return true;
}
