import { type CommandContext, commandError, isObject, show, typeNotFound } from '../core/index.ts';
import { loadWorkspaceTypes, PRIMITIVE_TYPES, type TypeModel } from '../model/index.ts';
import { userRows } from '../schema/index.ts';
import { missing } from './values.ts';

export type DomainType = TypeModel & { domain: NonNullable<TypeModel['domain']> };
export type Types = Record<string, TypeModel>;
export type Tx = CommandContext['db'];

export const RANK_STEP = 1_000_000;

/** What a write command works on: the transaction, the workspace's types, the caller. */
export interface Write {
  tx: Tx;
  types: Types;
  context: CommandContext;
}

export async function write<T>(context: CommandContext, work: (w: Write) => Promise<T>): Promise<T> {
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
export function domainType(types: Types, name: unknown, { users = false } = {}): DomainType {
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
export const tableOf = (type: TypeModel) => (type.domain ?? type.extension)!.table;

/**
 * Before writing user `id`'s own fields (or a link stored with them): the caller may (an
 * administrator, or the user), the user is one of the workspace's, and has an extension row.
 */
export async function userWrite(w: Write, type: TypeModel, id: string, own = true) {
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

export function entityOf(value: unknown, what = 'args.entity'): Record<string, unknown> {
  if (!isObject(value)) throw commandError('entity.error/invalid-query', `${what} is an object of fields.`);
  return value;
}

export function entityId(value: unknown, what = 'fibery/id'): string {
  try {
    return PRIMITIVE_TYPES['fibery/uuid']!.encode(value) as string;
  } catch {
    throw commandError('entity.error/invalid-value', `${what} must be a UUID; got ${show(value, 100)}.`);
  }
}

export const notFound = (type: TypeModel, id: string) =>
  commandError('entity.error/entity-not-found', `"${type.name}" has no entity with fibery/id ${id}.`, {
    type: type.name,
    id,
  });
