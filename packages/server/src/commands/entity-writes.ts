/**
 * Entity commands on domain databases: create, update, delete, add/remove collection items, the
 * batch forms and upsert (`fibery.entity.batch/create-or-update`). Values are checked and encoded by
 * their field's model and bound; tables and columns come from the schema. Each command is one
 * transaction; a create or update answers with the entity as a query would return it.
 *
 * Relations follow their storage: a to-one side sets its column (a one-to-one relation clears the
 * entity's previous partner), the other side of a one-to-one sets its partner's column, and a
 * collection is changed only through add/remove-collection-items, as in Fibery. Deleting an entity
 * clears every link to it.
 *
 * Users are not created or deleted here (accounts are managed by administrators), but their own
 * fields are written as a database's: in `fibery/user`'s extension table, whose row for a user is
 * created when first written. An administrator writes any user's; others only their own.
 */
import { randomUUID } from 'node:crypto';
import type { SqlValue } from '../storage/index.ts';
import { commandError, show, typeNotFound } from './command-error.ts';
import type { CommandContext, CommandHandler } from './command-handler.ts';
import { isObject } from './is-object.ts';
import { executeQuery, type QueryExecutor } from './query/compile-query.ts';
import { loadWorkspaceTypes } from './query/domain-types.ts';
import type { ParsedQuery, SelectNode } from './query/parse-query.ts';
import { PRIMITIVE_TYPES } from './query/primitive-types.ts';
import { fieldOf, type RelationModel, type TypeModel } from './query/type-model.ts';
import { userRows } from './schema-batch.ts';

type DomainType = TypeModel & { domain: NonNullable<TypeModel['domain']> };
type Types = Record<string, TypeModel>;
type Tx = CommandContext['db'];

const RANK_STEP = 1_000_000;

/** What a write command works on: the transaction, the workspace's types, the caller. */
interface Write {
  tx: Tx;
  types: Types;
  context: CommandContext;
}

async function write<T>(context: CommandContext, work: (w: Write) => Promise<T>): Promise<T> {
  return context.db.transaction(async (tx) => {
    const db: Tx = { ...tx, dialect: context.db.dialect, transaction: (inner) => inner(tx) };
    const { types } = await loadWorkspaceTypes(db, context.principal.workspace.id);
    return work({ tx: db, types, context });
  });
}

/**
 * The database `name` names, to write its entities; `fibery/user` only with `users` (updates and
 * collection items), as the table of its own fields.
 */
function domainType(types: Types, name: unknown, { users = false } = {}): DomainType {
  const type = typeof name === 'string' && Object.hasOwn(types, name) ? types[name] : undefined;
  if (!type) throw typeNotFound(name, Object.keys(types));
  if (type.name === 'fibery/user') {
    if (users && type.extension) return { ...type, domain: type.extension };
    throw commandError(
      'entity.error/type-read-only',
      users
        ? 'fibery/user has no fields of its own to write yet: add some with schema.field/create.'
        : 'Users are added and deactivated by an administrator (weft user create, weft user deactivate), not through commands; fibery.entity/update writes their own fields.',
    );
  }
  if (!type.domain)
    throw commandError(
      'entity.error/type-read-only',
      `Entities of "${type.name}" cannot be written through commands.`,
    );
  return type as DomainType;
}

/** The table holding a type's writable columns: a database's own, or `fibery/user`'s extension. */
const tableOf = (type: TypeModel) => (type.domain ?? type.extension)!.table;

/**
 * Before writing user `id`'s own fields (or a link stored with them): the caller may (an
 * administrator, or the user), the user is one of the workspace's, and has an extension row.
 */
async function userWrite(w: Write, type: TypeModel, id: string, own = true) {
  const { principal } = w.context;
  if (own && principal.role !== 'admin' && principal.user.id !== id)
    throw commandError(
      'command.error/forbidden',
      "Only an administrator changes other users' fields; you may change your own.",
      { privilege: 'admin' },
    );
  if ((await missing(w, 'fibery/user', [id])).length > 0) throw notFound(type, id);
  await userRows(w.tx, tableOf(type), principal.workspace.id, [id]);
}

function entityOf(value: unknown, what = 'args.entity'): Record<string, unknown> {
  if (!isObject(value)) throw commandError('entity.error/invalid-query', `${what} is an object of fields.`);
  return value;
}

function entityId(value: unknown, what = 'fibery/id'): string {
  try {
    return PRIMITIVE_TYPES['fibery/uuid']!.encode(value) as string;
  } catch {
    throw commandError('entity.error/invalid-value', `${what} must be a UUID; got ${show(value, 100)}.`);
  }
}

/** Ids among `ids` that are not entities of `target` (users: of the caller's workspace). */
async function missing(w: Write, target: string, ids: string[]): Promise<string[]> {
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

function relatedNotFound(field: string, target: string, ids: string[]) {
  return commandError(
    'entity.error/related-entity-not-found',
    `"${field}" points to ${ids.map((id) => JSON.stringify(id)).join(', ')}, not an entity of "${target}".`,
    { field, type: target, ids },
  );
}

/** The related id a to-one value names: `{"fibery/id": …}`, or an option's `enum/name` for enums. */
async function relatedId(w: Write, name: string, relation: RelationModel, value: unknown): Promise<string> {
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

interface Assignment {
  /** Column of the entity's own table, and its value. */
  columns: { column: string; value: SqlValue }[];
  /** One-to-one sides stored in the partner's column: applied once the row exists. */
  after: ((id: string) => Promise<void>)[];
}

/** The writes the entity's fields ask for (not fibery/id). */
async function assignments(w: Write, type: DomainType, entity: Record<string, unknown>): Promise<Assignment> {
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

function isOneToOne(types: Types, relation: RelationModel): boolean {
  if (!relation.partner) return false;
  const partner = types[relation.partner.type]?.fields[relation.partner.field]?.relation;
  return partner !== undefined && !partner.collection;
}

/** Defaults for fields the entity does not give: `fibery/default-value`, ranks after the last. */
async function defaults(w: Write, type: DomainType, entity: Record<string, unknown>) {
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

/** The entity as a query returns it: its values, and each to-one relation as {"fibery/id"}. */
async function readEntity(w: Write, type: TypeModel, id: string) {
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

async function exists(w: Write, type: DomainType, id: string) {
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

const notFound = (type: TypeModel, id: string) =>
  commandError('entity.error/entity-not-found', `"${type.name}" has no entity with fibery/id ${id}.`, {
    type: type.name,
    id,
  });

/** Deletes an entity and every link to it (relation columns cleared, join rows removed). */
async function deleteEntity(w: Write, type: DomainType, id: string): Promise<boolean> {
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

function entitiesOf(args: Record<string, unknown>, context: CommandContext): Record<string, unknown>[] {
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

/**
 * The holder and items of add/remove-collection-items in either shape: `entity: {"<id>": [ids]}`
 * (current docs) or `entity: {"fibery/id"}, items: [{"fibery/id"}]` (most clients).
 */
function collectionArgs(args: Record<string, unknown>): { holder: string; items: string[] }[] {
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

function collectionItems(mode: 'add' | 'remove'): CommandHandler {
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

const CONFLICT_TYPES = new Set(['fibery/text', 'fibery/int', 'fibery/date']);
const NOT_COPIED = new Set(['fibery/id', 'fibery/public-id', 'fibery/rank', 'fibery/creation-date']);

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
