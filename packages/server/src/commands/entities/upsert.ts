import { type CommandHandler, commandError, show } from '../core/index.ts';
import type { FieldModel } from '../model/index.ts';
import { createEntity, readEntity, updateEntity } from './entity.ts';
import { entitiesOf } from './entity-commands.ts';
import { type DomainType, domainType, type Write, write } from './write.ts';

const CONFLICT_TYPES = new Set(['fibery/text', 'fibery/int', 'fibery/date']);
const NOT_COPIED = new Set(['fibery/id', 'fibery/public-id', 'fibery/rank', 'fibery/creation-date']);

type Action = 'skip-create' | 'update-latest';
type Entity = Record<string, unknown>;

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
      const conflict = conflictField(type, args['conflict-field']);
      const action = args['conflict-action'];
      if (action !== 'skip-create' && action !== 'update-latest')
        throw commandError(
          'entity.error/invalid-query',
          'conflict-action is "skip-create" or "update-latest".',
        );
      const entities = entitiesOf(args, context);
      const keys = entities.map((entity) => conflictKey(conflict, entity));
      const chosen = standIns(keys, action);
      const results: unknown[] = new Array(entities.length);
      for (const [i, entity] of entities.entries()) {
        const key = keys[i];
        if (key !== null && chosen.get(JSON.stringify(key)) !== i) continue;
        results[i] = await upsertOne(w, type, conflict, action, entity, key ?? null);
      }
      for (const [i, entity] of entities.entries()) {
        if (results[i] !== undefined) continue;
        const duplicate = entities[chosen.get(JSON.stringify(keys[i]))!];
        results[i] = { action: 'prefer-duplicate-found-in-the-batch', entity, duplicate };
      }
      return results;
    }),
};

/** The field an upsert matches on: a text, integer or date field of the database's own. */
function conflictField(type: DomainType, name: unknown): FieldModel & { name: string } {
  const field = typeof name === 'string' && Object.hasOwn(type.fields, name) ? type.fields[name] : undefined;
  if (!field?.column || !CONFLICT_TYPES.has(field.fiberyType) || field.relation) {
    throw commandError(
      'entity.error/invalid-conflict-field',
      `conflict-field ${show(name)} is not a fibery/text, fibery/int or fibery/date field of "${type.name}".`,
    );
  }
  return { ...field, name: name as string };
}

/** The entity's conflict value as stored, or null when it has none (null never matches). */
function conflictKey(conflict: FieldModel & { name: string }, entity: Entity) {
  const value = entity[conflict.name];
  if (value === undefined || value === null) return null;
  try {
    return conflict.encode(value);
  } catch (error) {
    throw commandError('entity.error/invalid-value', `"${conflict.name}" ${(error as Error).message}.`);
  }
}

/** Which entity of the batch stands for each conflict value: the first, or with update-latest the last. */
function standIns(keys: unknown[], action: Action): Map<string, number> {
  const chosen = new Map<string, number>();
  for (const [i, key] of keys.entries()) {
    if (key === null) continue;
    const k = JSON.stringify(key);
    if (action === 'update-latest' || !chosen.has(k)) chosen.set(k, i);
  }
  return chosen;
}

/** Creates the entity, or skips it or updates the latest existing match. */
async function upsertOne(
  w: Write,
  type: DomainType,
  conflict: FieldModel,
  action: Action,
  entity: Entity,
  key: unknown,
) {
  const [match] =
    key === null
      ? []
      : await w.tx.queryRows(
          `SELECT id FROM ${type.domain.table} WHERE ${conflict.column} = $1 ORDER BY creation_date DESC, id DESC LIMIT 1`,
          [key as string | number],
        );
  if (!match) return { action: 'create', created: await createEntity(w, type, entity) };
  const duplicate = await readEntity(w, type, String(match.id));
  if (action === 'skip-create') return { action: 'skip-create', entity, duplicate };
  const copied = Object.fromEntries(Object.entries(entity).filter(([name]) => !NOT_COPIED.has(name)));
  const updated = await updateEntity(w, type, String(match.id), copied);
  return { action: 'update-latest', entity, duplicate, updated };
}
