import { type CommandContext, type CommandHandler, commandError, isObject } from '../core/index.ts';
import { createEntity, deleteEntity, updateEntity } from './entity.ts';
import { domainType, entityId, entityOf, notFound, write } from './write.ts';

export const entityCreate: CommandHandler = {
  privilege: 'write',
  run: (args, context) =>
    write(context, (w) => createEntity(w, domainType(w.types, args.type), entityOf(args.entity))),
};

export const entityUpdate: CommandHandler = {
  privilege: 'write',
  run: (args, context) =>
    write(context, (w) => {
      const entity = entityOf(args.entity);
      return updateEntity(
        w,
        domainType(w.types, args.type, { users: true }),
        entityId(entity['fibery/id']),
        entity,
      );
    }),
};

export const entityDelete: CommandHandler = {
  privilege: 'write',
  run: (args, context) =>
    write(context, async (w) => {
      const type = domainType(w.types, args.type);
      const id = entityId(entityOf(args.entity)['fibery/id']);
      if (!(await deleteEntity(w, type, id))) throw notFound(type, id);
      return 'ok';
    }),
};

export function entitiesOf(
  args: Record<string, unknown>,
  context: CommandContext,
): Record<string, unknown>[] {
  const entities = args.entities;
  if (!Array.isArray(entities) || entities.length === 0)
    throw commandError('entity.error/invalid-query', 'args.entities is a non-empty list of entities.');
  if (entities.length > context.limits.maxCommands)
    throw commandError(
      'entity.error/invalid-query',
      `At most ${context.limits.maxCommands} entities at once.`,
    );
  return entities.map((entity, i) => entityOf(entity, `args.entities[${i}]`));
}

/** `fibery.entity.batch/create`: several entities of one database, all or none. */
export const entityBatchCreate: CommandHandler = {
  privilege: 'write',
  run: (args, context) =>
    write(context, async (w) => {
      const type = domainType(w.types, args.type);
      const out = [];
      for (const entity of entitiesOf(args, context)) out.push(await createEntity(w, type, entity));
      return out;
    }),
};

/** `fibery.entity.batch/delete`; `opts."fail-if-not-found?"` (default true) refuses a missing one. */
export const entityBatchDelete: CommandHandler = {
  privilege: 'write',
  run: (args, context) =>
    write(context, async (w) => {
      const type = domainType(w.types, args.type);
      const strict = !(isObject(args.opts) && args.opts['fail-if-not-found?'] === false);
      for (const entity of entitiesOf(args, context)) {
        const id = entityId(entity['fibery/id']);
        if (!(await deleteEntity(w, type, id)) && strict) throw notFound(type, id);
      }
      return 'ok';
    }),
};
