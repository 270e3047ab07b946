/**
 * `fibery.schema/batch`: schema sub-commands applied in one transaction together with the DDL that
 * keeps each database's table in step, so a failing sub-command leaves neither rows nor tables
 * behind. Table and column names are generated; names from the request are only stored as data.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Repositories } from '../storage/index.ts';
import { commandError } from './command-error.ts';
import type { CommandHandler } from './command-handler.ts';
import { isObject } from './is-object.ts';
import { loadWorkspaceTypes, STANDARD_FIELDS } from './query/domain-types.ts';
import { PRIMITIVE_TYPES } from './query/primitive-types.ts';

const RESERVED_NAMESPACES = new Set(['fibery', 'user', 'enum', 'workflow', 'q', 'schema', 'ui', 'app']);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const PART = /^[^/\s\u0000-\u001f\u007f](?:[^/\u0000-\u001f\u007f]{0,98}[^/\s\u0000-\u001f\u007f])?$/;

const generated = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

function checkName(name: unknown, what: string): string {
  const parts = typeof name === 'string' ? name.split('/') : [];
  if (parts.length !== 2 || !parts.every((part) => PART.test(part)) || RESERVED_NAMESPACES.has(parts[0]!)) {
    throw commandError(
      'schema.error/invalid-name',
      `${what} ${JSON.stringify(name)?.slice(0, 200)} is not "Space/Name" (or its space is reserved).`,
    );
  }
  return name as string;
}

function columnType(fiberyType: unknown, field: string): string {
  const primitive =
    typeof fiberyType === 'string' && Object.hasOwn(PRIMITIVE_TYPES, fiberyType)
      ? PRIMITIVE_TYPES[fiberyType]
      : undefined;
  if (!primitive) {
    throw commandError(
      'schema.error/unsupported-field-type',
      `Field "${field}" has type ${JSON.stringify(fiberyType)?.slice(0, 100)}; only primitive types are supported yet.`,
    );
  }
  return primitive.columnType;
}

function meta(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw commandError('schema.error/invalid-command', 'fibery/meta is an object.');
  return value;
}

interface Batch {
  tx: Repositories;
  workspaceId: string;
  now: number;
}

/** The types as they stand inside the transaction, earlier sub-commands of the batch included. */
const currentTypes = async (batch: Batch) => (await loadWorkspaceTypes(batch.tx, batch.workspaceId)).types;

async function createType(args: Record<string, unknown>, batch: Batch) {
  const name = checkName(args['fibery/name'], 'Database name');
  if (Object.hasOwn(await currentTypes(batch), name))
    throw commandError('schema.error/type-exists', `"${name}" database exists already.`);
  const fields = args['fibery/fields'] ?? [];
  if (!Array.isArray(fields))
    throw commandError('schema.error/invalid-command', 'fibery/fields is a list of fields.');
  const id = randomUUID();
  const table = generated('e');
  await batch.tx.createSchemaType(
    batch.workspaceId,
    { id, name, tableName: table, meta: meta(args['fibery/meta']) },
    batch.now,
  );
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const [position, field] of fields.entries()) {
    if (!isObject(field))
      throw commandError('schema.error/invalid-command', 'Each of fibery/fields is an object.');
    const fieldName = field['fibery/name'];
    // The standard fields are every database's own; their declarations are accepted and not stored.
    if (typeof fieldName === 'string' && Object.hasOwn(STANDARD_FIELDS, fieldName)) continue;
    const checked = checkName(fieldName, 'Field name');
    if (seen.has(checked))
      throw commandError('schema.error/field-exists', `"${name}" lists field "${checked}" twice.`);
    seen.add(checked);
    const column = generated('f');
    columns.push(`${column} ${columnType(field['fibery/type'], checked)}`);
    await batch.tx.createSchemaField(
      id,
      {
        id: randomUUID(),
        name: checked,
        fiberyType: field['fibery/type'] as string,
        columnName: column,
        meta: meta(field['fibery/meta']),
      },
      position,
    );
  }
  await batch.tx.execDdl(
    `CREATE TABLE ${table} (id TEXT PRIMARY KEY, public_id BIGINT NOT NULL UNIQUE, creation_date BIGINT NOT NULL, modification_date BIGINT NOT NULL, created_by TEXT${columns.map((c) => `, ${c}`).join('')})`,
  );
}

async function createField(args: Record<string, unknown>, batch: Batch) {
  const holder = args['fibery/holder-type'];
  const types = await currentTypes(batch);
  const type = typeof holder === 'string' && Object.hasOwn(types, holder) ? types[holder] : undefined;
  if (!type?.domain) {
    throw commandError(
      'entity.error/schema-type-not-found',
      `"${String(holder).slice(0, 200)}" database was not found.`,
      { type: holder },
    );
  }
  const name = checkName(args['fibery/name'], 'Field name');
  if (Object.hasOwn(type.fields, name))
    throw commandError('schema.error/field-exists', `"${type.name}" has a field "${name}" already.`);
  const column = generated('f');
  const sqlType = columnType(args['fibery/type'], name);
  await batch.tx.createSchemaField(
    type.domain.id,
    {
      id: randomUUID(),
      name,
      fiberyType: args['fibery/type'] as string,
      columnName: column,
      meta: meta(args['fibery/meta']),
    },
    Object.keys(type.fields).length,
  );
  await batch.tx.execDdl(`ALTER TABLE ${type.domain.table} ADD COLUMN ${column} ${sqlType}`);
}

const SUB_COMMANDS: Record<string, (args: Record<string, unknown>, batch: Batch) => Promise<void>> = {
  'schema.type/create': createType,
  'schema.field/create': createField,
};

export const schemaBatch: CommandHandler = {
  privilege: 'schema',
  async run(args, { db, principal, clock }) {
    const commands = args.commands;
    if (!Array.isArray(commands) || commands.length === 0) {
      throw commandError(
        'schema.error/invalid-command',
        'fibery.schema/batch takes {"commands": [{"command", "args"}, …]}.',
      );
    }
    await db.transaction(async (tx) => {
      const batch: Batch = { tx, workspaceId: principal.workspace.id, now: clock.now() };
      for (const command of commands) {
        const run =
          isObject(command) && typeof command.command === 'string'
            ? SUB_COMMANDS[command.command]
            : undefined;
        if (!run || (command.args != null && !isObject(command.args))) {
          throw commandError(
            'schema.error/invalid-command',
            `Unknown or malformed schema command ${JSON.stringify(isObject(command) ? command.command : command)?.slice(0, 100)}.`,
          );
        }
        await run((command.args ?? {}) as Record<string, unknown>, batch);
      }
      await tx.bumpSchemaVersion(principal.workspace.id);
    });
    return 'ok';
  },
};
