/**
 * `fibery.schema/batch`: schema sub-commands applied in one transaction together with the DDL that
 * keeps each database's table in step, so a failing sub-command leaves neither rows nor tables
 * behind. Table and column names are generated; names from the request are only stored as data.
 *
 * A relation is two fields (one per side) sharing `fibery/meta."fibery/relation"`, or one field
 * alone. Its links are stored once: in a column of the to-one side's table (indexed), read in
 * reverse by the other side; or, when both sides are collections (or a collection stands alone),
 * in a join table indexed both ways. Sides may come in either order; a side that changes how the
 * relation is stored (a to-one side joining a lone collection) does so only while it has no links.
 *
 * `fibery/user` takes fields too. They are stored like a database's, as a database named
 * `fibery/user` whose table (its "extension") has one row per user that has a value, keyed by the
 * user's id and created when first written; the built-in fields stay where accounts keep them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isDisplaySafe } from '../security/display-safe-text.ts';
import {
  creationOrderIndex,
  type Dialect,
  type RelationStorage,
  type Repositories,
  type SchemaField,
  type SchemaType,
} from '../storage/index.ts';
import { builtInType, commandError, fieldNotFound, show, typeNotFound } from './command-error.ts';
import type { CommandHandler } from './command-handler.ts';
import { isObject } from './is-object.ts';
import { applyMixins } from './mixins.ts';
import { STANDARD_FIELDS } from './query/domain-types.ts';
import { PRIMITIVE_TYPES } from './query/primitive-types.ts';
import { builtInTypes } from './query/type-model.ts';

const RESERVED_NAMESPACES = new Set(['fibery', 'user', 'enum', 'workflow', 'q', 'schema', 'ui', 'app']);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const PART = /^[^/\s\u0000-\u001f\u007f](?:[^/\u0000-\u001f\u007f]{0,98}[^/\s\u0000-\u001f\u007f])?$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const ENUM_NAME = /^[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]{0,298}[^\s\u0000-\u001f\u007f]$/;

export const generated = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

const invalidCommand = (message: string) => commandError('schema.error/invalid-command', message);

/**
 * Field names of reserved namespaces that a database may have all the same, as Fibery's clients and
 * docs give them: `fibery/name`, the title field both JS clients add to every database they create,
 * and `user/…`, the space of old workspaces' fields (`user/salary` on a `Cricket/Player`).
 */
const isAllowedFieldName = (parts: string[]) =>
  (parts[0] === 'fibery' && parts[1] === 'name') || parts[0] === 'user';

export function checkName(name: unknown, what: string, { field = false } = {}): string {
  const parts = typeof name === 'string' ? name.split('/') : [];
  if (
    parts.length !== 2 ||
    !parts.every((part) => PART.test(part)) ||
    (RESERVED_NAMESPACES.has(parts[0]!) && !(field && isAllowedFieldName(parts))) ||
    !isDisplaySafe(name as string)
  ) {
    throw commandError(
      'schema.error/invalid-name',
      `${what} ${show(name)} is not "Space/Name" (or its space is reserved).`,
    );
  }
  return name as string;
}

function meta(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalidCommand('fibery/meta is an object.');
  return value;
}

/** A schema change in progress: the transaction, and the schema as it stands inside it. */
export interface SchemaChange {
  tx: Repositories;
  dialect: Dialect;
  workspaceId: string;
  now: number;
}

/**
 * On SQLite, entity and join tables are clustered by their key (WITHOUT ROWID): rows are stored in id
 * order, the default order of every query, so a filtered query scans the table in that order instead
 * of visiting every row through the key's index (77 ms against 6 ms for a text filter over 99,000
 * rows), and a lookup by id is one B-tree search instead of two.
 */
const clustered = (change: SchemaChange) => (change.dialect === 'sqlite' ? ' WITHOUT ROWID' : '');

export async function currentSchema(change: SchemaChange): Promise<SchemaType[]> {
  return (await change.tx.getSchema(change.workspaceId)).types;
}

function findType(types: SchemaType[], name: unknown): SchemaType {
  const type = types.find((t) => t.name === name);
  if (!type)
    throw typeNotFound(
      name,
      types.map((t) => t.name),
    );
  return type;
}

function findField(type: SchemaType, name: unknown): SchemaField {
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
function partnerOf(types: SchemaType[], field: SchemaField) {
  const relation = field.meta['fibery/relation'];
  if (typeof relation !== 'string') return undefined;
  for (const holder of types)
    for (const other of holder.fields)
      if (other.id !== field.id && other.storage && other.meta['fibery/relation'] === relation)
        return { holder, field: other };
  return undefined;
}

export async function createTable(change: SchemaChange, table: string) {
  await change.tx.execDdl(
    `CREATE TABLE ${table} (id TEXT PRIMARY KEY, public_id BIGINT NOT NULL UNIQUE, creation_date BIGINT NOT NULL, modification_date BIGINT NOT NULL, created_by TEXT)${clustered(change)}`,
  );
  // Queries order by creation date, then id bytewise (migration 008), and cursors page by id alone;
  // on PostgreSQL only an index on (id COLLATE "C") gives that order (migration 006).
  await change.tx.execDdl(creationOrderIndex(change.dialect, table));
  if (change.dialect === 'postgres')
    await change.tx.execDdl(`CREATE INDEX ${table}_id_c ON ${table} ((id COLLATE "C"))`);
}

/** A new join table (`a` → `b`, indexed both ways); resolves with its storage for the `a` side. */
async function createJoinTable(change: SchemaChange): Promise<RelationStorage & { kind: 'join' }> {
  const table = generated('j');
  await change.tx.execDdl(
    `CREATE TABLE ${table} (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b))${clustered(change)}`,
  );
  await change.tx.execDdl(`CREATE INDEX ${table}_b ON ${table} (b, a)`);
  return { kind: 'join', table, self: 'a', other: 'b' };
}

/** A new indexed column of related ids in `table`; resolves with its name. */
async function addRelationColumn(change: SchemaChange, table: string): Promise<string> {
  const column = generated('f');
  await change.tx.execDdl(`ALTER TABLE ${table} ADD COLUMN ${column} TEXT`);
  await change.tx.execDdl(`CREATE INDEX i_${column} ON ${table} (${column})`);
  return column;
}

/** Whether `holder` has a field `name`: its own, a standard one, or one of `fibery/user`'s built-in. */
const takenName = (holder: SchemaType, name: string) =>
  holder.fields.some((f) => f.name === name) ||
  Object.hasOwn(STANDARD_FIELDS, name) ||
  (holder.name === 'fibery/user' && Object.hasOwn(builtInTypes['fibery/user']!.fields, name));

/** The stored type holding `fibery/user`'s own fields, created with its table the first time. */
async function userExtension(change: SchemaChange): Promise<SchemaType> {
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

/**
 * Adds a field to `holder` (by name, as it stands in the transaction): a primitive column, or one
 * side of a relation. Names are checked by the caller.
 */
export async function addField(
  change: SchemaChange,
  holderName: string,
  spec: FieldSpec,
): Promise<SchemaField> {
  const types = await currentSchema(change);
  const holder = findType(types, holderName);
  if (takenName(holder, spec.name))
    throw commandError('schema.error/field-exists', `"${holder.name}" has a field "${spec.name}" already.`);
  const fiberyType = spec.fiberyType;
  const position = holder.fields.length;
  const base = { id: randomUUID(), name: spec.name, meta: spec.meta };
  if (typeof fiberyType === 'string' && Object.hasOwn(PRIMITIVE_TYPES, fiberyType)) {
    const column = generated('f');
    const field: SchemaField = { ...base, fiberyType, columnName: column, storage: null };
    await change.tx.createSchemaField(holder.id, field, position);
    await change.tx.execDdl(
      `ALTER TABLE ${holder.tableName} ADD COLUMN ${column} ${PRIMITIVE_TYPES[fiberyType]!.columnType}`,
    );
    return field;
  }
  const target =
    typeof fiberyType === 'string'
      ? fiberyType === 'fibery/user'
        ? 'fibery/user'
        : types.find((t) => t.name === fiberyType)?.name
      : undefined;
  if (!target) {
    throw commandError(
      'schema.error/unsupported-field-type',
      `Field "${spec.name}" has type ${show(fiberyType)}: neither a primitive type (fibery/text, fibery/int, …) nor a database of this workspace.`,
    );
  }
  const relation = spec.meta['fibery/relation'];
  if (
    relation !== undefined &&
    (typeof relation !== 'string' || relation.length === 0 || relation.length > 100)
  )
    throw commandError(
      'schema.error/invalid-relation',
      'fibery/relation is an id (a string) shared by both sides.',
    );
  const collection = spec.meta['fibery/collection?'] === true;
  const field: SchemaField = { ...base, fiberyType: target, columnName: '', storage: { kind: 'column' } };
  const partner = partnerOf(types, { ...field, id: '' });
  if (partner) {
    const second = types.flatMap((t) => t.fields).filter((f) => f.meta['fibery/relation'] === relation);
    if (second.length > 1)
      throw commandError(
        'schema.error/invalid-relation',
        `Relation ${show(relation)} has both its sides already.`,
      );
    if (partner.field.fiberyType !== holder.name || partner.holder.name !== target) {
      throw commandError(
        'schema.error/invalid-relation',
        `The other side of relation ${show(relation)} is "${partner.field.name}" of "${partner.holder.name}", pointing to "${partner.field.fiberyType}": this side must be a field of "${partner.field.fiberyType}" pointing to "${partner.holder.name}".`,
      );
    }
  }
  const partnerStorage = partner?.field.storage;
  if (!collection) {
    if (partnerStorage?.kind === 'column') {
      // The second to-one side of a one-to-one relation reads its partner's column.
      field.storage = { kind: 'reverse', field: partner!.field.id };
    } else {
      if (partnerStorage?.kind === 'join') {
        // A lone collection gets its to-one side: its links move to this side's column, if it has none.
        const links = await change.tx.queryRows(`SELECT 1 AS found FROM ${partnerStorage.table} LIMIT 1`, []);
        if (links.length > 0) {
          throw commandError(
            'schema.error/invalid-relation',
            `"${partner!.field.name}" has links already; create both sides of a relation in one fibery.schema/batch.`,
          );
        }
        await change.tx.execDdl(`DROP TABLE ${partnerStorage.table}`);
      }
      field.columnName = await addRelationColumn(change, holder.tableName);
      if (partner)
        await change.tx.updateSchemaField(partner.field.id, {
          storage: { kind: 'reverse', field: field.id },
        });
    }
  } else if (partnerStorage?.kind === 'column') {
    field.storage = { kind: 'reverse', field: partner!.field.id };
  } else if (partnerStorage?.kind === 'join') {
    field.storage = {
      kind: 'join',
      table: partnerStorage.table,
      self: partnerStorage.other,
      other: partnerStorage.self,
    };
  } else {
    field.storage = await createJoinTable(change);
  }
  await change.tx.createSchemaField(holder.id, field, position);
  return field;
}

async function createType(args: Record<string, unknown>, change: SchemaChange) {
  const name = checkName(args['fibery/name'], 'Database name');
  await createTypeNamed(change, name, meta(args['fibery/meta']), args['fibery/fields'] ?? [], (f) =>
    checkName(f, 'Field name', { field: true }),
  );
}

/** Creates a database and its fields; `check` vets each field name. */
export async function createTypeNamed(
  change: SchemaChange,
  name: string,
  typeMeta: Record<string, unknown>,
  fields: unknown,
  check: (name: unknown) => string,
): Promise<SchemaType> {
  if ((await currentSchema(change)).some((t) => t.name === name) || name === 'fibery/user')
    throw commandError('schema.error/type-exists', `"${name}" database exists already.`);
  if (!Array.isArray(fields)) throw invalidCommand('fibery/fields is a list of fields.');
  const id = randomUUID();
  const table = generated('e');
  await change.tx.createSchemaType(
    change.workspaceId,
    { id, name, tableName: table, meta: typeMeta },
    change.now,
  );
  await createTable(change, table);
  for (const field of fields) {
    if (!isObject(field)) throw invalidCommand('Each of fibery/fields is an object.');
    const fieldName = field['fibery/name'];
    // The standard fields are every database's own; their declarations are accepted and not stored.
    if (typeof fieldName === 'string' && Object.hasOwn(STANDARD_FIELDS, fieldName)) continue;
    await addField(change, name, {
      name: check(fieldName),
      fiberyType: field['fibery/type'],
      meta: meta(field['fibery/meta']),
    });
  }
  return findType(await currentSchema(change), name);
}

async function createField(args: Record<string, unknown>, change: SchemaChange) {
  const holder =
    args['fibery/holder-type'] === 'fibery/user'
      ? await userExtension(change)
      : findType(await currentSchema(change), args['fibery/holder-type']);
  await addField(change, holder.name, {
    name: checkName(args['fibery/name'], 'Field name', { field: true }),
    fiberyType: args['fibery/type'],
    meta: meta(args['fibery/meta']),
  });
}

const ENUM_FIELDS: FieldSpec[] = [
  { name: 'enum/name', fiberyType: 'fibery/text', meta: { 'ui/title?': true, 'fibery/required?': true } },
  { name: 'enum/color', fiberyType: 'fibery/text', meta: {} },
  { name: 'enum/icon', fiberyType: 'fibery/text', meta: {} },
  { name: 'fibery/rank', fiberyType: 'fibery/rank', meta: {} },
];

/** An enum (single- or multi-select options, workflow states): a database of options. */
export async function createEnum(
  change: SchemaChange,
  name: string,
  enumMeta: Record<string, unknown>,
  extra: FieldSpec[] = [],
) {
  const type = await createTypeNamed(
    change,
    name,
    { 'fibery/enum?': true, 'fibery/domain?': false, ...enumMeta },
    [],
    (f) => f as string,
  );
  for (const spec of [...ENUM_FIELDS, ...extra]) await addField(change, name, spec);
  return findType(await currentSchema(change), type.name);
}

function checkEnumName(name: unknown): string {
  if (
    typeof name !== 'string' ||
    !ENUM_NAME.test(name) ||
    !isDisplaySafe(name) ||
    !name.includes('/') ||
    name.startsWith('fibery/')
  ) {
    throw commandError(
      'schema.error/invalid-name',
      `Enum name ${show(name)} is not like "Space/Field_Space/Database".`,
    );
  }
  return name;
}

async function createEnumCommand(args: Record<string, unknown>, change: SchemaChange) {
  await createEnum(change, checkEnumName(args['fibery/name']), meta(args['fibery/meta']));
}

async function renameType(args: Record<string, unknown>, change: SchemaChange) {
  const types = await currentSchema(change);
  if (args['from-name'] === 'fibery/user') throw builtInType();
  const type = findType(types, args['from-name']);
  const to =
    type.meta['fibery/enum?'] === true
      ? checkEnumName(args['to-name'])
      : checkName(args['to-name'], 'Database name');
  if (types.some((t) => t.name === to))
    throw commandError('schema.error/type-exists', `"${to.slice(0, 200)}" database exists already.`);
  await change.tx.updateSchemaType(type.id, { name: to });
  for (const holder of types)
    for (const field of holder.fields)
      if (field.storage && field.fiberyType === type.name)
        await change.tx.updateSchemaField(field.id, { fiberyType: to });
}

async function countRows(change: SchemaChange, table: string) {
  const [row] = await change.tx.queryRows(`SELECT count(*) AS n FROM ${table}`, []);
  return Number(row?.n ?? 0);
}

/**
 * Removes a field and what stores it. Deleting the side that holds a relation's column keeps the
 * other side and its links: a collection moves to a join table, a to-one side to a column of its own.
 */
export async function removeField(change: SchemaChange, holder: SchemaType, field: SchemaField) {
  const types = await currentSchema(change);
  const storage = field.storage;
  if (!storage) {
    await change.tx.execDdl(`ALTER TABLE ${holder.tableName} DROP COLUMN ${field.columnName}`);
  } else if (storage.kind === 'column') {
    const dependent = types
      .flatMap((t) => t.fields.map((f) => ({ holder: t, field: f })))
      .find((entry) => entry.field.storage?.kind === 'reverse' && entry.field.storage.field === field.id);
    if (dependent) {
      const { holder: other, field: side } = dependent;
      if (side.meta['fibery/collection?'] === true) {
        const join = await createJoinTable(change);
        await change.tx.runStatement(
          `INSERT INTO ${join.table} (a, b) SELECT ${field.columnName}, id FROM ${holder.tableName} WHERE ${field.columnName} IS NOT NULL`,
          [],
        );
        await change.tx.updateSchemaField(side.id, { storage: join });
      } else {
        // Every user gets an extension row to hold the link that moves to that side.
        if (other.name === 'fibery/user') await userRows(change.tx, other.tableName, change.workspaceId);
        const column = await addRelationColumn(change, other.tableName);
        await change.tx.runStatement(
          `UPDATE ${other.tableName} SET ${column} = (SELECT h.id FROM ${holder.tableName} h WHERE h.${field.columnName} = ${other.tableName}.id LIMIT 1)`,
          [],
        );
        await change.tx.updateSchemaField(side.id, { storage: { kind: 'column' }, columnName: column });
      }
    }
    await change.tx.execDdl(`DROP INDEX i_${field.columnName}`);
    await change.tx.execDdl(`ALTER TABLE ${holder.tableName} DROP COLUMN ${field.columnName}`);
  } else if (storage.kind === 'join') {
    const shared = partnerOf(types, field)?.field.storage;
    if (!(shared?.kind === 'join' && shared.table === storage.table))
      await change.tx.execDdl(`DROP TABLE ${storage.table}`);
  }
  await change.tx.deleteSchemaField(field.id);
}

async function deleteField(args: Record<string, unknown>, change: SchemaChange) {
  const holder = findType(await currentSchema(change), args['holder-type'] ?? args['fibery/holder-type']);
  await removeField(change, holder, findField(holder, args.name ?? args['fibery/name']));
}

async function renameField(args: Record<string, unknown>, change: SchemaChange) {
  const holder = findType(await currentSchema(change), args['holder-type']);
  const field = findField(holder, args['from-name']);
  const to = checkName(args['to-name'], 'Field name', { field: true });
  if (takenName(holder, to))
    throw commandError('schema.error/field-exists', `"${holder.name}" has a field "${to}" already.`);
  await change.tx.updateSchemaField(field.id, { name: to });
}

/** Meta keys that say how a field is stored: changing them would need a different field. */
const STRUCTURAL_META = new Set(['fibery/collection?', 'fibery/relation']);

function metaKey(args: Record<string, unknown>): string {
  const key = args.key;
  if (typeof key !== 'string' || key.length === 0 || key.length > 200)
    throw invalidCommand('key names a meta key, like "fibery/required?".');
  if (STRUCTURAL_META.has(key))
    throw invalidCommand(
      `"${key}" says how the field is stored and cannot change; delete and create the field instead.`,
    );
  return key;
}

async function setFieldMeta(args: Record<string, unknown>, change: SchemaChange) {
  const holder = findType(await currentSchema(change), args['holder-type']);
  const field = findField(holder, args.name);
  const key = metaKey(args);
  if (!('value' in args)) throw invalidCommand('schema.field/set-meta takes a value.');
  await change.tx.updateSchemaField(field.id, { meta: { ...field.meta, [key]: args.value } });
}

async function deleteFieldMeta(args: Record<string, unknown>, change: SchemaChange) {
  const holder = findType(await currentSchema(change), args['holder-type']);
  const field = findField(holder, args.name);
  const key = metaKey(args);
  const { [key]: _removed, ...rest } = field.meta;
  await change.tx.updateSchemaField(field.id, { meta: rest });
}

async function setTypeMeta(args: Record<string, unknown>, change: SchemaChange) {
  if ((args.name ?? args['fibery/name']) === 'fibery/user') throw builtInType();
  const type = findType(await currentSchema(change), args.name ?? args['fibery/name']);
  const key = metaKey(args);
  await change.tx.updateSchemaType(type.id, { meta: { ...type.meta, [key]: args.value } });
}

async function deleteType(args: Record<string, unknown>, change: SchemaChange) {
  if ((args.name ?? args['fibery/name']) === 'fibery/user') throw builtInType();
  const types = await currentSchema(change);
  const type = findType(types, args.name ?? args['fibery/name']);
  const related = types
    .filter((t) => t.id !== type.id)
    .flatMap((t) =>
      t.fields.filter((f) => f.storage && f.fiberyType === type.name).map((f) => ({ holder: t, field: f })),
    );
  if (related.length > 0 && args['delete-related-fields?'] !== true) {
    throw commandError(
      'schema.error/type-in-use',
      `"${type.name}" is used by ${related.map((r) => `"${r.holder.name}"."${r.field.name}"`).join(', ')}; delete those fields first, or pass "delete-related-fields?": true.`,
      { fields: related.map((r) => ({ type: r.holder.name, field: r.field.name })) },
    );
  }
  const entities = await countRows(change, type.tableName);
  if (entities > 0 && args['delete-entities?'] !== true) {
    throw commandError(
      'schema.error/type-has-entities',
      `"${type.name}" has ${entities} entities; delete them first, or pass "delete-entities?": true.`,
      { entities },
    );
  }
  for (const { holder, field } of related) {
    const fresh = findType(await currentSchema(change), holder.name);
    const current = fresh.fields.find((f) => f.id === field.id);
    if (current) await removeField(change, fresh, current);
  }
  for (;;) {
    const fresh = findType(await currentSchema(change), type.name);
    const own = fresh.fields.find((f) => f.storage);
    if (!own) break;
    await removeField(change, fresh, own);
  }
  await change.tx.execDdl(`DROP TABLE ${type.tableName}`);
  await change.tx.deleteSchemaType(type.id);
}

const SUB_COMMANDS: Record<string, (args: Record<string, unknown>, change: SchemaChange) => Promise<void>> = {
  'schema.type/create': createType,
  'schema.type/rename': renameType,
  'schema.type/delete': deleteType,
  'schema.type/set-meta': setTypeMeta,
  'schema.field/create': createField,
  'schema.field/rename': renameField,
  'schema.field/delete': deleteField,
  'schema.field/set-meta': setFieldMeta,
  'schema.field/delete-meta': deleteFieldMeta,
  'schema.enum/create': createEnumCommand,
  // Both JS clients install the rank mixin in the batch that creates the database.
  'fibery.app/install-mixins': (args, change) => applyMixins(args, change),
};

export const schemaBatch: CommandHandler = {
  privilege: 'schema',
  async run(args, { db, principal, clock }) {
    const commands = args.commands;
    if (!Array.isArray(commands) || commands.length === 0)
      throw invalidCommand('fibery.schema/batch takes {"commands": [{"command", "args"}, …]}.');
    await db.transaction(async (tx) => {
      const change: SchemaChange = {
        tx,
        dialect: db.dialect,
        workspaceId: principal.workspace.id,
        now: clock.now(),
      };
      for (const command of commands) {
        const run =
          isObject(command) &&
          typeof command.command === 'string' &&
          Object.hasOwn(SUB_COMMANDS, command.command)
            ? SUB_COMMANDS[command.command]
            : undefined;
        if (!run || (command.args != null && !isObject(command.args))) {
          throw invalidCommand(
            `Unknown or malformed schema command ${show(isObject(command) ? command.command : command)?.slice(0, 100)}.`,
          );
        }
        await run((command.args ?? {}) as Record<string, unknown>, change);
      }
      await tx.bumpSchemaVersion(principal.workspace.id);
    });
    return 'ok';
  },
};
