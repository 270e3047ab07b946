/**
 * `fibery.entity/create`, `/update` and `/delete` on domain databases. Values are checked and
 * encoded by their field's model and bound; columns come from the schema. Each command is one
 * transaction; the result is the entity as a query would return it.
 */
import { randomUUID } from 'node:crypto';
import type { Repositories, SqlValue } from '../storage/index.ts';
import { commandError } from './command-error.ts';
import type { CommandContext, CommandHandler } from './command-handler.ts';
import { isObject } from './is-object.ts';
import { compileQuery, shapeRows } from './query/compile-query.ts';
import { loadWorkspaceTypes } from './query/domain-types.ts';
import type { ParsedQuery } from './query/parse-query.ts';
import { PRIMITIVE_TYPES } from './query/primitive-types.ts';
import type { TypeModel } from './query/type-model.ts';

type DomainType = TypeModel & { domain: NonNullable<TypeModel['domain']> };

interface Target {
  type: DomainType;
  entity: Record<string, unknown>;
}

async function target(args: Record<string, unknown>, db: Repositories, workspaceId: string): Promise<Target> {
  const name = args.type;
  const { types } = await loadWorkspaceTypes(db, workspaceId);
  const type = typeof name === 'string' && Object.hasOwn(types, name) ? types[name] : undefined;
  if (!type)
    throw commandError(
      'entity.error/schema-type-not-found',
      `"${String(name).slice(0, 200)}" database was not found.`,
      { type: name },
    );
  if (!type.domain)
    throw commandError(
      'entity.error/type-read-only',
      `Entities of "${type.name}" cannot be written through commands.`,
    );
  if (!isObject(args.entity))
    throw commandError('entity.error/invalid-query', 'args.entity is an object of fields.');
  return { type: type as DomainType, entity: args.entity };
}

function entityId(value: unknown): string {
  try {
    return PRIMITIVE_TYPES['fibery/uuid']!.encode(value) as string;
  } catch {
    throw commandError('entity.error/invalid-value', 'fibery/id must be a UUID.');
  }
}

/** The columns and encoded values the entity's fields set (not fibery/id). */
function columnsOf({ type, entity }: Target): { column: string; value: SqlValue }[] {
  const out: { column: string; value: SqlValue }[] = [];
  for (const [name, value] of Object.entries(entity)) {
    if (name === 'fibery/id') continue;
    const field = Object.hasOwn(type.fields, name) ? type.fields[name] : undefined;
    if (!field) {
      throw commandError(
        'entity.error/schema-field-not-found',
        `"${name.slice(0, 200)}" field was not found in "${type.name}" database.`,
        {
          type: type.name,
          field: name,
        },
      );
    }
    if (!field.column)
      throw commandError('entity.error/field-read-only', `"${name}" is set by the server.`, { field: name });
    if (value === null) {
      out.push({ column: field.column, value: null });
      continue;
    }
    try {
      out.push({ column: field.column, value: field.encode(value) });
    } catch (error) {
      throw commandError('entity.error/invalid-value', `"${name}" ${(error as Error).message}.`, {
        field: name,
      });
    }
  }
  return out;
}

async function readEntity(db: Repositories, context: CommandContext, type: TypeModel, id: string) {
  const query: ParsedQuery = {
    type,
    select: {
      kind: 'fields',
      columns: Object.entries(type.fields).map(([name, field]) => ({ key: name, name, field })),
    },
    where: { kind: 'compare', op: '=', field: type.fields['fibery/id']!, value: id },
    orderBy: [],
    limit: 1,
    offset: 0,
  };
  const { sql, params } = compileQuery(query, context.principal.workspace.id, context.db.dialect);
  return shapeRows(query, await db.queryRows(sql, params))[0];
}

async function exists(db: Repositories, table: string, id: string) {
  return (await db.queryRows(`SELECT 1 AS found FROM ${table} WHERE id = $1`, [id])).length > 0;
}

export const entityCreate: CommandHandler = {
  privilege: 'write',
  run: (args, context) =>
    context.db.transaction(async (tx) => {
      const found = await target(args, tx, context.principal.workspace.id);
      const id = found.entity['fibery/id'] === undefined ? randomUUID() : entityId(found.entity['fibery/id']);
      const columns = columnsOf(found);
      const { table } = found.type.domain;
      if (await exists(tx, table, id))
        throw commandError('entity.error/entity-exists', `An entity with fibery/id ${id} exists already.`);
      const now = context.clock.now();
      const values: SqlValue[] = [
        id,
        await tx.nextPublicId(found.type.domain.id),
        now,
        now,
        context.principal.user.id,
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
      await tx.runStatement(
        `INSERT INTO ${table} (${names.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
        values,
      );
      return readEntity(tx, context, found.type, id);
    }),
};

export const entityUpdate: CommandHandler = {
  privilege: 'write',
  run: (args, context) =>
    context.db.transaction(async (tx) => {
      const found = await target(args, tx, context.principal.workspace.id);
      const id = entityId(found.entity['fibery/id']);
      const columns = columnsOf(found);
      const sets = [
        ...columns.map((c, i) => `${c.column} = $${i + 1}`),
        `modification_date = $${columns.length + 1}`,
      ];
      const changed = await tx.runStatement(
        `UPDATE ${found.type.domain.table} SET ${sets.join(', ')} WHERE id = $${columns.length + 2}`,
        [...columns.map((c) => c.value), context.clock.now(), id],
      );
      if (changed === 0)
        throw commandError(
          'entity.error/entity-not-found',
          `"${found.type.name}" has no entity with fibery/id ${id}.`,
        );
      return readEntity(tx, context, found.type, id);
    }),
};

export const entityDelete: CommandHandler = {
  privilege: 'write',
  run: (args, context) =>
    context.db.transaction(async (tx) => {
      const found = await target(args, tx, context.principal.workspace.id);
      const id = entityId(found.entity['fibery/id']);
      const deleted = await tx.runStatement(`DELETE FROM ${found.type.domain.table} WHERE id = $1`, [id]);
      if (deleted === 0)
        throw commandError(
          'entity.error/entity-not-found',
          `"${found.type.name}" has no entity with fibery/id ${id}.`,
        );
      return 'ok';
    }),
};
