import type { SqlValue } from '../../storage/index.ts';
import { commandError, isObject } from '../core/index.ts';
import { fieldOf, type RelationModel } from '../model/index.ts';
import { type DomainType, entityId, RANK_STEP, type Types, tableOf, userWrite, type Write } from './write.ts';

/** Ids among `ids` that are not entities of `target` (users: of the caller's workspace). */
export async function missing(w: Write, target: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const type = w.types[target]!;
  const list = ids.map((_, i) => `$${i + 1}`).join(', ');
  const rows =
    type.domain && type.name !== 'fibery/user'
      ? await w.tx.queryRows(`SELECT id FROM ${type.domain.table} WHERE id IN (${list})`, ids)
      : await w.tx.queryRows(
          `SELECT id FROM workspace_users WHERE id IN (${list}) AND workspace_id = $${ids.length + 1}`,
          [...ids, w.context.principal.workspace.id],
        );
  const found = new Set(rows.map((row) => String(row.id)));
  return ids.filter((id) => !found.has(id));
}

export function relatedNotFound(field: string, target: string, ids: string[]) {
  return commandError(
    'entity.error/related-entity-not-found',
    `"${field}" points to ${ids.map((id) => JSON.stringify(id)).join(', ')}, not an entity of "${target}".`,
    { field, type: target, ids },
  );
}

/** The related id a to-one value names: `{"fibery/id": …}`, or an option's `enum/name` for enums. */
export async function relatedId(
  w: Write,
  name: string,
  relation: RelationModel,
  value: unknown,
): Promise<string> {
  const target = w.types[relation.target]!;
  if (typeof value === 'string' && target.meta['fibery/enum?'] === true && target.domain) {
    const column = target.fields['enum/name']?.column;
    const rank = target.fields['fibery/rank']?.column;
    const rows = column
      ? await w.tx.queryRows(
          `SELECT id FROM ${target.domain.table} WHERE ${column} = $1 ORDER BY ${rank ?? 'public_id'}, id LIMIT 1`,
          [value],
        )
      : [];
    if (rows.length === 0) throw relatedNotFound(name, target.name, [value]);
    return String(rows[0]!.id);
  }
  if (!isObject(value) || !('fibery/id' in value)) {
    throw commandError('entity.error/invalid-value', `"${name}" is set as {"fibery/id": "<id>"} or null.`, {
      field: name,
    });
  }
  const id = entityId(value['fibery/id'], `"${name}" fibery/id`);
  const absent = await missing(w, relation.target, [id]);
  if (absent.length > 0) throw relatedNotFound(name, relation.target, absent);
  return id;
}

export interface Assignment {
  /** Column of the entity's own table, and its value. */
  columns: { column: string; value: SqlValue }[];
  /** One-to-one sides stored in the partner's column: applied once the row exists. */
  after: ((id: string) => Promise<void>)[];
}

/** The writes the entity's fields ask for (not fibery/id). */
export async function assignments(
  w: Write,
  type: DomainType,
  entity: Record<string, unknown>,
): Promise<Assignment> {
  const out: Assignment = { columns: [], after: [] };
  for (const [name, value] of Object.entries(entity)) {
    if (name === 'fibery/id') continue;
    const field = fieldOf(type, name);
    const relation = field.relation;
    if (relation?.collection) {
      throw commandError(
        'entity.error/collection-not-settable',
        `"${name}" is a collection: add items with fibery.entity/add-collection-items after the entity exists.`,
        { field: name },
      );
    }
    if (field.meta['fibery/readonly?'] === true || (!field.column && relation?.link.kind !== 'reverse'))
      throw commandError('entity.error/field-read-only', `"${name}" is set by the server.`, { field: name });
    if (relation) {
      const related = value === null ? null : await relatedId(w, name, relation, value);
      const { link } = relation;
      if (link.kind === 'column') {
        out.columns.push({ column: link.column, value: related });
        if (related !== null && isOneToOne(w.types, relation)) {
          // The related entity's previous partner lets go of it.
          out.after.push((id) =>
            w.tx
              .runStatement(
                `UPDATE ${type.domain.table} SET ${link.column} = NULL WHERE ${link.column} = $1 AND id <> $2`,
                [related, id],
              )
              .then(() => undefined),
          );
        }
      } else if (link.kind === 'reverse') {
        const target = w.types[relation.target]!;
        const table = tableOf(target);
        if (related !== null && target.name === 'fibery/user') await userWrite(w, target, related, false);
        out.after.push(async (id) => {
          await w.tx.runStatement(`UPDATE ${table} SET ${link.column} = NULL WHERE ${link.column} = $1`, [
            id,
          ]);
          if (related !== null)
            await w.tx.runStatement(`UPDATE ${table} SET ${link.column} = $1 WHERE id = $2`, [id, related]);
        });
      }
      continue;
    }
    if (value === null) {
      out.columns.push({ column: field.column!, value: null });
      continue;
    }
    try {
      out.columns.push({ column: field.column!, value: field.encode(value) });
    } catch (error) {
      throw commandError('entity.error/invalid-value', `"${name}" ${(error as Error).message}.`, {
        field: name,
      });
    }
  }
  return out;
}

export function isOneToOne(types: Types, relation: RelationModel): boolean {
  if (!relation.partner) return false;
  const partner = types[relation.partner.type]?.fields[relation.partner.field]?.relation;
  return partner !== undefined && !partner.collection;
}

/** Defaults for fields the entity does not give: `fibery/default-value`, ranks after the last. */
export async function defaults(w: Write, type: DomainType, entity: Record<string, unknown>) {
  const given = { ...entity };
  for (const [name, field] of Object.entries(type.fields)) {
    if (name in given || !field.column || field.meta['fibery/readonly?'] === true) continue;
    const value = field.meta['fibery/default-value'];
    if (name === 'fibery/rank' && value === undefined) {
      const [row] = await w.tx.queryRows(`SELECT max(${field.column}) AS top FROM ${type.domain.table}`, []);
      given[name] = Number(row?.top ?? 0) + RANK_STEP;
    } else if (value !== undefined && value !== null && value !== '$now') {
      given[name] =
        isObject(value) && value['fibery/id'] === '$my-id'
          ? { 'fibery/id': w.context.principal.user.id }
          : value;
    }
  }
  return given;
}
