import { type CommandHandler, commandError, isObject } from '../core/index.ts';
import { fieldOf } from '../model/index.ts';
import { exists } from './entity.ts';
import { missing, relatedNotFound } from './values.ts';
import { domainType, entityId, entityOf, notFound, tableOf, userWrite, write } from './write.ts';

/**
 * The holder and items of add/remove-collection-items in either shape: `entity: {"<id>": [ids]}`
 * (current docs) or `entity: {"fibery/id"}, items: [{"fibery/id"}]` (most clients).
 */
export function collectionArgs(args: Record<string, unknown>): { holder: string; items: string[] }[] {
  const entity = entityOf(args.entity);
  if (args.items !== undefined || 'fibery/id' in entity) {
    if (!Array.isArray(args.items))
      throw commandError('entity.error/invalid-query', 'args.items is a list of {"fibery/id": "<id>"}.');
    return [
      {
        holder: entityId(entity['fibery/id']),
        items: args.items.map((item) =>
          entityId(isObject(item) ? item['fibery/id'] : item, "an item's fibery/id"),
        ),
      },
    ];
  }
  const entries = Object.entries(entity);
  if (entries.length === 0)
    throw commandError('entity.error/invalid-query', 'args.entity maps an entity id to item ids.');
  return entries.map(([holder, items]) => {
    if (!Array.isArray(items))
      throw commandError(
        'entity.error/invalid-query',
        `args.entity["${holder.slice(0, 100)}"] is a list of item ids.`,
      );
    return { holder: entityId(holder), items: items.map((item) => entityId(item, 'an item id')) };
  });
}

export function collectionItems(mode: 'add' | 'remove'): CommandHandler {
  return {
    privilege: 'write',
    run: (args, context) =>
      write(context, async (w) => {
        const type = domainType(w.types, args.type, { users: true });
        const name = typeof args.field === 'string' ? args.field : '';
        const relation = fieldOf(type, name).relation;
        if (!relation?.collection)
          throw commandError(
            'entity.error/not-a-collection',
            `"${name.slice(0, 200)}" of "${type.name}" is not a collection.`,
            {
              field: name.slice(0, 200),
            },
          );
        for (const { holder, items } of collectionArgs(args)) {
          if (type.name === 'fibery/user') await userWrite(w, type, holder);
          else if (!(await exists(w, type, holder))) throw notFound(type, holder);
          const unique = [...new Set(items)];
          const absent = await missing(w, relation.target, unique);
          if (absent.length > 0) throw relatedNotFound(name, relation.target, absent);
          const target = w.types[relation.target]!;
          if (relation.link.kind === 'reverse' && target.name === 'fibery/user')
            for (const item of unique) await userWrite(w, target, item, false);
          const { link } = relation;
          for (const item of unique) {
            if (link.kind === 'join') {
              await w.tx.runStatement(
                mode === 'add'
                  ? `INSERT INTO ${link.table} (${link.self}, ${link.other}) VALUES ($1, $2) ON CONFLICT DO NOTHING`
                  : `DELETE FROM ${link.table} WHERE ${link.self} = $1 AND ${link.other} = $2`,
                [holder, item],
              );
            } else if (link.kind === 'reverse') {
              const table = tableOf(target);
              await w.tx.runStatement(
                mode === 'add'
                  ? `UPDATE ${table} SET ${link.column} = $1 WHERE id = $2`
                  : `UPDATE ${table} SET ${link.column} = NULL WHERE ${link.column} = $1 AND id = $2`,
                [holder, item],
              );
            }
          }
          await w.tx.runStatement(`UPDATE ${type.domain.table} SET modification_date = $1 WHERE id = $2`, [
            context.clock.now(),
            holder,
          ]);
        }
        return 'ok';
      }),
  };
}

export const addCollectionItems = collectionItems('add');
export const removeCollectionItems = collectionItems('remove');
