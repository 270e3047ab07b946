/**
 * `@weft/testing`: a real Weft inside the test's own process, on a fresh in-memory SQLite workspace,
 * with the schema and entities the test asks for and a client of `@weft/client`. Several may run side
 * by side; each `stop()` forgets its workspace. Works with node:test, vitest and jest alike.
 */
import { type Client, createClient, type Entity, type Schema, type SchemaType } from '@weft/client';
import { startEmbedded } from '@weft/server/embed';

export interface StartWeftOptions {
  /** The output of `fibery.schema/query` (`client.schema()`), as a real workspace gives it. */
  schema?: Schema | SchemaType[];
  /** Entities to create, by database, in order: `{ 'Cricket/Player': [{ 'Cricket/Name': 'Ellyse Perry' }] }`. */
  seed?: Record<string, Entity[]>;
  /** Requests per second per token and per workspace; default Fibery's 3 and 7, 0 for none. */
  limits?: { token?: number; workspace?: number };
}

export interface RunningWeft {
  /** The server's URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** The administrator's API token. */
  token: string;
  admin: { id: string; email: string; name: string };
  /** A client with the administrator's token. */
  client: Client;
  /** Stops the server and drops the workspace. */
  stop(): Promise<void>;
}

/**
 * Starts a Weft with `schema` and `seed`.
 *
 * @example
 * const weft = await startWeft({ schema: JSON.parse(readFileSync('schema.json', 'utf8')), seed: { 'Cricket/Player': [{ 'Cricket/Name': 'Ellyse Perry' }] } });
 * after(() => weft.stop());
 * const players = await weft.client.query({ 'q/from': 'Cricket/Player', 'q/select': ['Cricket/Name'] });
 */
export async function startWeft(options: StartWeftOptions = {}): Promise<RunningWeft> {
  const types = Array.isArray(options.schema) ? options.schema : (options.schema?.['fibery/types'] ?? []);
  const setup = [...schemaCommands(types), seedCommands(options.seed ?? {})].filter(
    (batch) => batch.length > 0,
  );
  const weft = await startEmbedded({ limits: options.limits, setup });
  const client = createClient({
    url: weft.url,
    token: weft.token,
    pacing: { token: limitOf(options.limits?.token, 3), workspace: limitOf(options.limits?.workspace, 7) },
  });
  return { url: weft.url, token: weft.token, admin: weft.admin, client, stop: weft.stop };
}

/** Pacing as the server limits; an unlimited side is paced at a rate no test reaches. */
const limitOf = (perSecond: number | undefined, fallback: number) => ({
  limit: perSecond === 0 ? 1_000_000 : (perSecond ?? fallback),
  windowMs: 1000,
});

/** Fields every database has, and fields the mixins make. */
const MADE_BY_SERVER = new Set([
  'fibery/id',
  'fibery/public-id',
  'fibery/creation-date',
  'fibery/modification-date',
  'fibery/created-by',
  'fibery/rank',
  'workflow/state',
  'assignments/assignees',
]);

const isEnum = (type: SchemaType) => type['fibery/meta']['fibery/enum?'] === true;
/**
 * A real workspace's schema as Weft's commands, in three batches: the databases with their primitive
 * fields and mixins; the enums (single selects) that are not workflow states; then the relations and
 * select fields, which need both ends to exist.
 */
function schemaCommands(all: SchemaType[]): unknown[][] {
  const types = all.filter(
    (type) => !type['fibery/name'].startsWith('fibery/') && !type['fibery/name'].startsWith('workflow/'),
  );
  const databases = types.filter((type) => !isEnum(type));
  const enums = types.filter((type) => isEnum(type) && type['fibery/meta']['workflow/workflow?'] !== true);
  const isPrimitive = (fiberyType: string) =>
    fiberyType.startsWith('fibery/') && fiberyType !== 'fibery/user';
  const fieldsOf = (type: SchemaType) =>
    type['fibery/fields'].filter((f) => !MADE_BY_SERVER.has(f['fibery/name']));
  const creates = databases.map((type) => ({
    command: 'schema.type/create',
    args: {
      'fibery/name': type['fibery/name'],
      'fibery/meta': {},
      'fibery/fields': fieldsOf(type)
        .filter((f) => isPrimitive(f['fibery/type']))
        .map((f) => ({
          'fibery/name': f['fibery/name'],
          'fibery/type': f['fibery/type'],
          'fibery/meta': f['fibery/meta'],
        })),
    },
  }));
  const mixins = databases.flatMap((type) => {
    const wanted = Object.keys(
      (type['fibery/meta']['app/mixins'] as Record<string, boolean> | undefined) ?? {},
    );
    return wanted.length > 0
      ? [{ command: 'fibery.app/install-mixins', args: { types: { [type['fibery/name']]: wanted } } }]
      : [];
  });
  const relations = databases.flatMap((type) =>
    fieldsOf(type)
      .filter((f) => !isPrimitive(f['fibery/type']))
      .map((f) => ({
        command: 'schema.field/create',
        args: {
          'fibery/holder-type': type['fibery/name'],
          'fibery/name': f['fibery/name'],
          'fibery/type': f['fibery/type'],
          'fibery/meta': f['fibery/meta'],
        },
      })),
  );
  const schemaBatch = (commands: unknown[]) =>
    commands.length > 0 ? [{ command: 'fibery.schema/batch', args: { commands } }] : [];
  return [
    [...schemaBatch(creates), ...mixins],
    schemaBatch(
      enums.map((type) => ({ command: 'schema.enum/create', args: { 'fibery/name': type['fibery/name'] } })),
    ),
    schemaBatch(relations),
  ];
}

function seedCommands(seed: Record<string, Entity[]>): unknown[] {
  return Object.entries(seed)
    .filter(([, entities]) => entities.length > 0)
    .map(([type, entities]) => ({ command: 'fibery.entity.batch/create', args: { type, entities } }));
}
