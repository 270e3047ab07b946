/** A schema change in progress: the transaction, and the schema as it stands inside it. */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type Repositories,
  type SchemaField,
  type SchemaType,
  type SqlDialect,
  sqlDialect,
} from '../../storage/index.ts';
import { type CommandContext, commandError, fieldNotFound, typeNotFound } from '../core/index.ts';
import { builtInTypes, STANDARD_FIELDS } from '../model/index.ts';
import { createTable } from './ddl.ts';

export interface SchemaChange {
  tx: Repositories;
  sql: SqlDialect;
  workspaceId: string;
  now: number;
}

export const generated = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

export async function currentSchema(change: SchemaChange): Promise<SchemaType[]> {
  return (await change.tx.getSchema(change.workspaceId)).types;
}

export function findType(types: SchemaType[], name: unknown): SchemaType {
  const type = types.find((t) => t.name === name);
  if (!type)
    throw typeNotFound(
      name,
      types.map((t) => t.name),
    );
  return type;
}

export function findField(type: SchemaType, name: unknown): SchemaField {
  const field = type.fields.find((f) => f.name === name);
  if (!field)
    throw fieldNotFound(
      type.name,
      name,
      type.fields.map((f) => f.name),
    );
  return field;
}

/** The other side of a relation field, with its holder, if there is one. */
export function partnerOf(types: SchemaType[], field: SchemaField) {
  const relation = field.meta['fibery/relation'];
  if (typeof relation !== 'string') return undefined;
  for (const holder of types)
    for (const other of holder.fields)
      if (other.id !== field.id && other.storage && other.meta['fibery/relation'] === relation)
        return { holder, field: other };
  return undefined;
}

/** Whether `holder` has a field `name`: its own, a standard one, or one of `fibery/user`'s built-in. */
export const takenName = (holder: SchemaType, name: string) =>
  holder.fields.some((f) => f.name === name) ||
  Object.hasOwn(STANDARD_FIELDS, name) ||
  (holder.name === 'fibery/user' && Object.hasOwn(builtInTypes['fibery/user']!.fields, name));

/** The stored type holding `fibery/user`'s own fields, created with its table the first time. */
export async function userExtension(change: SchemaChange): Promise<SchemaType> {
  const stored = (await currentSchema(change)).find((t) => t.name === 'fibery/user');
  if (stored) return stored;
  const table = generated('e');
  await change.tx.createSchemaType(
    change.workspaceId,
    { id: randomUUID(), name: 'fibery/user', tableName: table, meta: {} },
    change.now,
  );
  await createTable(change, table);
  return findType(await currentSchema(change), 'fibery/user');
}

/**
 * Gives the users of the workspace (those of `ids`, or all) a row in the extension table `table`,
 * where they have none yet, so their own fields can be written.
 */
export async function userRows(tx: Repositories, table: string, workspaceId: string, ids?: string[]) {
  const only = ids ? ` AND id IN (${ids.map((_, i) => `$${i + 2}`).join(', ')})` : '';
  await tx.runStatement(
    `INSERT INTO ${table} (id, public_id, creation_date, modification_date, created_by) SELECT id, public_id, created_at, created_at, NULL FROM workspace_users WHERE workspace_id = $1${only} ON CONFLICT (id) DO NOTHING`,
    [workspaceId, ...(ids ?? [])],
  );
}

export interface FieldSpec {
  name: string;
  fiberyType: unknown;
  meta: Record<string, unknown>;
}

/** Refuses a second field `name` on `holder`. */
export function checkFreeName(holder: SchemaType, name: string) {
  if (takenName(holder, name))
    throw commandError('schema.error/field-exists', `"${holder.name}" has a field "${name}" already.`);
}

/** Runs `work` as one schema change: in one transaction, after which the schema's version moves. */
export async function inSchemaChange(
  { db, principal, clock }: CommandContext,
  work: (change: SchemaChange) => Promise<void>,
) {
  await db.transaction(async (tx) => {
    await work({ tx, sql: sqlDialect(db.dialect), workspaceId: principal.workspace.id, now: clock.now() });
    await tx.bumpSchemaVersion(principal.workspace.id);
  });
}
