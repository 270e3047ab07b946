import { type CommandHandler, commandError, show } from '../core/index.ts';
import { createEntity, readEntity, updateEntity } from './entity.ts';
import { entitiesOf } from './entity-commands.ts';
import { domainType, write } from './write.ts';

export const CONFLICT_TYPES = new Set(['fibery/text', 'fibery/int', 'fibery/date']);
export const NOT_COPIED = new Set(['fibery/id', 'fibery/public-id', 'fibery/rank', 'fibery/creation-date']);

/**
 * `fibery.entity.batch/create-or-update` (upsert). An entity whose conflict field matches an existing
 * one is skipped (`skip-create`) or copied onto the most recently created match (`update-latest`,
 * all fields but id, public id, rank and creation date); otherwise it is created. NULL never
 * matches. Duplicates within the batch: `skip-create` keeps the first, `update-latest` the last; the
 * others answer `prefer-duplicate-found-in-the-batch`. Results are in input order.
 */
export const entityUpsert: CommandHandler = {
  privilege: 'write',
  run: (args, context) =>
    write(context, async (w) => {
      const type = domainType(w.types, args.type);
      const conflictName = args['conflict-field'];
      const conflict =
        typeof conflictName === 'string' && Object.hasOwn(type.fields, conflictName)
          ? type.fields[conflictName]
          : undefined;
      if (!conflict?.column || !CONFLICT_TYPES.has(conflict.fiberyType) || conflict.relation) {
        throw commandError(
          'entity.error/invalid-conflict-field',
          `conflict-field ${show(conflictName)} is not a fibery/text, fibery/int or fibery/date field of "${type.name}".`,
        );
      }
      const action = args['conflict-action'];
      if (action !== 'skip-create' && action !== 'update-latest')
        throw commandError(
          'entity.error/invalid-query',
          'conflict-action is "skip-create" or "update-latest".',
        );
      const entities = entitiesOf(args, context);
      const keyOf = (entity: Record<string, unknown>) => {
        const value = entity[conflictName as string];
        if (value === undefined || value === null) return null;
        try {
          return conflict.encode(value);
        } catch (error) {
          throw commandError('entity.error/invalid-value', `"${conflictName}" ${(error as Error).message}.`);
        }
      };
      const keys = entities.map(keyOf);
      // Which entity of the batch stands for each conflict value.
      const chosen = new Map<string, number>();
      for (const [i, key] of keys.entries()) {
        if (key === null) continue;
        const k = JSON.stringify(key);
        if (action === 'update-latest' || !chosen.has(k)) chosen.set(k, i);
      }
      const results: unknown[] = new Array(entities.length);
      for (const [i, entity] of entities.entries()) {
        const key = keys[i];
        const standIn = key === null ? i : chosen.get(JSON.stringify(key))!;
        if (standIn !== i) continue;
        const [match] =
          key === null
            ? []
            : await w.tx.queryRows(
                `SELECT id FROM ${type.domain.table} WHERE ${conflict.column} = $1 ORDER BY creation_date DESC, id DESC LIMIT 1`,
                [key],
              );
        if (!match) {
          results[i] = { action: 'create', created: await createEntity(w, type, entity) };
          continue;
        }
        const duplicate = await readEntity(w, type, String(match.id));
        if (action === 'skip-create') {
          results[i] = { action: 'skip-create', entity, duplicate };
        } else {
          const copied = Object.fromEntries(Object.entries(entity).filter(([name]) => !NOT_COPIED.has(name)));
          const updated = await updateEntity(w, type, String(match.id), copied);
          results[i] = { action: 'update-latest', entity, duplicate, updated };
        }
      }
      for (const [i, entity] of entities.entries()) {
        if (results[i] !== undefined) continue;
        results[i] = {
          action: 'prefer-duplicate-found-in-the-batch',
          entity,
          duplicate: entities[chosen.get(JSON.stringify(keys[i]))!],
        };
      }
      return results;
    }),
};
