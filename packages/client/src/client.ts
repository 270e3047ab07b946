/**
 * `createClient`: the Fibery API of one workspace, with one credential, against Weft or Fibery alike.
 * Commands go in one `POST /api/commands`; a failed command is a FiberyCommandError, a failed request
 * a WeftHttpError. Requests are paced to the workspace's limits and queries retried when they can be.
 */
import { FiberyCommandError, WeftHttpError } from './errors.ts';
import { type OAuthCredentials, oauthCredentials } from './oauth.ts';
import { type Credentials, createTransport, type TransportOptions } from './transport.ts';
import type { ApiToken, Command, Entity, Params, Query, Schema } from './types.ts';

/**
 * How to reach the workspace, and as whom.
 *
 * @example
 * const options: ClientOptions = { url: 'http://localhost:3000', token: 'weft_…', timeoutMs: 10_000 };
 */
export interface ClientOptions extends TransportOptions {
  /** An API token: sent as `Authorization: Token …`. */
  token?: string;
  /** OAuth tokens and the app they belong to: sent as `Authorization: Bearer …`, refreshed as needed. */
  oauth?: OAuthCredentials;
}

/**
 * Per call: cancellation, and whether a write may be sent again.
 *
 * @example
 * await client.command(upsertCommand, { idempotent: true, signal: AbortSignal.timeout(5000) });
 */
export interface CallOptions {
  signal?: AbortSignal;
  /** Safe to send twice: retried on 429, 502, 503 and network errors (queries are, writes are not). */
  idempotent?: boolean;
}

const READS = new Set(['fibery.entity/query', 'fibery.schema/query']);
const isRead = (command: Command): boolean =>
  READS.has(command.command) ||
  (command.command === 'fibery.command/batch' &&
    Array.isArray(command.args?.commands) &&
    (command.args.commands as Command[]).every(isRead));

type Envelope = { success: boolean; result: unknown };

function resultsOf(envelopes: unknown, count: number): unknown[] {
  if (!Array.isArray(envelopes) || envelopes.length !== count)
    throw new WeftHttpError(200, 'INVALID_RESPONSE', `Expected ${count} command results.`);
  return (envelopes as Envelope[]).map((envelope, index) => {
    if (envelope?.success) return envelope.result;
    const failure = (envelope?.result ?? {}) as {
      name?: string;
      message?: string;
      data?: Record<string, unknown>;
    };
    const data = failure.data ?? {};
    const inner = typeof data['command-index'] === 'number' ? (data['command-index'] as number) : index;
    throw new FiberyCommandError(
      failure.name ?? 'command.error/unknown',
      failure.message ?? 'The command failed.',
      data,
      inner,
    );
  });
}

/**
 * A client of one workspace.
 *
 * @example
 * const fibery = createClient({ url: 'https://acme.fibery.io', token: process.env.FIBERY_TOKEN });
 * const players = await fibery.query({ 'q/from': 'Cricket/Player', 'q/select': ['Cricket/Name'], 'q/limit': 10 });
 */
export function createClient(options: ClientOptions) {
  const credentials: Credentials = options.oauth
    ? oauthCredentials(options.oauth)
    : options.token
      ? { key: `token ${options.token}`, authorization: async () => `Token ${options.token}` }
      : (() => {
          throw new TypeError('createClient takes a token or oauth credentials.');
        })();
  const transport = createTransport(options, credentials);

  /** Several commands in one request, run in order; resolves with their results. */
  async function commands(list: Command[], call: CallOptions = {}): Promise<unknown[]> {
    const envelopes = await transport.request('/api/commands', {
      body: list,
      idempotent: call.idempotent ?? list.every(isRead),
      signal: call.signal,
    });
    return resultsOf(envelopes, list.length);
  }
  const command = async (one: Command, call?: CallOptions) => (await commands([one], call))[0];
  const query = async <Row = Entity>(q: Query, params?: Params, call?: CallOptions) =>
    (await command(
      { command: 'fibery.entity/query', args: { query: q, ...(params ? { params } : {}) } },
      call,
    )) as Row[];

  return {
    command,
    commands,
    query,
    /** `fibery.command/batch`: all or nothing, in one transaction; a failure names its command's index. */
    batch: async (list: Command[], call?: CallOptions) =>
      (await command({ command: 'fibery.command/batch', args: { commands: list } }, call)) as unknown[],
    /** `fibery.schema/query`. */
    schema: async (call?: CallOptions) => (await command({ command: 'fibery.schema/query' }, call)) as Schema,
    /** `fibery.schema/batch` of schema sub-commands (`schema.type/create`, `schema.field/create`, …). */
    schemaBatch: (list: Command[], call?: CallOptions) =>
      command({ command: 'fibery.schema/batch', args: { commands: list } }, call),
    create: async (type: string, entity: Entity, call?: CallOptions) =>
      (await command({ command: 'fibery.entity/create', args: { type, entity } }, call)) as Entity,
    update: async (type: string, entity: Entity & { 'fibery/id': string }, call?: CallOptions) =>
      (await command({ command: 'fibery.entity/update', args: { type, entity } }, call)) as Entity,
    delete: (type: string, id: string, call?: CallOptions) =>
      command({ command: 'fibery.entity/delete', args: { type, entity: { 'fibery/id': id } } }, call),
    createMany: async (type: string, entities: Entity[], call?: CallOptions) =>
      (await command({ command: 'fibery.entity.batch/create', args: { type, entities } }, call)) as Entity[],
    addItems: (type: string, field: string, id: string, items: string[], call?: CallOptions) =>
      command(collectionCommand('add', type, field, id, items), call),
    removeItems: (type: string, field: string, id: string, items: string[], call?: CallOptions) =>
      command(collectionCommand('remove', type, field, id, items), call),
    /** `fibery.entity.batch/create-or-update`: match on `conflictField`, then skip or update the latest. */
    upsert: (
      type: string,
      entities: Entity[],
      upsert: { conflictField: string; conflictAction: 'skip-create' | 'update-latest' },
      call?: CallOptions,
    ) =>
      command(
        {
          command: 'fibery.entity.batch/create-or-update',
          args: {
            type,
            entities,
            'conflict-field': upsert.conflictField,
            'conflict-action': upsert.conflictAction,
          },
        },
        call,
      ) as Promise<unknown[]>,
    paginate: <Row = Entity>(
      q: Query,
      page: { pageSize?: number; params?: Params; signal?: AbortSignal } = {},
    ) => paginate<Row>(query, q, page),
    /** The caller's API tokens: `GET/POST/DELETE /api/tokens`. */
    tokens: {
      list: async (call?: CallOptions) =>
        (await transport.request('/api/tokens', {
          method: 'GET',
          idempotent: true,
          signal: call?.signal,
        })) as ApiToken[],
      create: async (token: { description?: string } = {}, call?: CallOptions) =>
        (await transport.request('/api/tokens', { body: token, signal: call?.signal })) as ApiToken & {
          value: string;
        },
      delete: async (id: string, call?: CallOptions) => {
        await transport.request(`/api/tokens/${encodeURIComponent(id)}`, {
          method: 'DELETE',
          signal: call?.signal,
        });
      },
    },
  };
}

export type Client = ReturnType<typeof createClient>;

function collectionCommand(
  mode: 'add' | 'remove',
  type: string,
  field: string,
  id: string,
  items: string[],
): Command {
  return {
    command: `fibery.entity/${mode}-collection-items`,
    args: { type, field, entity: { 'fibery/id': id }, items: items.map((item) => ({ 'fibery/id': item })) },
  };
}

/**
 * Every row of a query, page by page, with Fibery's documented cursor: ordered by `fibery/id`, each
 * page `[">", ["fibery/id"], "$cursor"]` after the last. A `fibery/id` the select lacks is added and
 * taken off again.
 */
async function* paginate<Row>(
  query: <R>(q: Query, params?: Params, call?: CallOptions) => Promise<R[]>,
  q: Query,
  { pageSize = 500, params = {}, signal }: { pageSize?: number; params?: Params; signal?: AbortSignal },
): AsyncGenerator<Row> {
  const select = q['q/select'];
  const vector = Array.isArray(select);
  const key = vector ? 'fibery/id' : 'weft-cursor';
  const added = vector ? !(select as unknown[]).includes('fibery/id') : true;
  const withId = vector
    ? added
      ? [...(select as unknown[]), 'fibery/id']
      : select
    : { ...(select as object), [key]: 'fibery/id' };
  let cursor: string | undefined;
  for (;;) {
    const where =
      cursor === undefined
        ? q['q/where']
        : q['q/where']
          ? ['q/and', q['q/where'], ['>', ['fibery/id'], '$weftCursor']]
          : ['>', ['fibery/id'], '$weftCursor'];
    const rows = await query<Record<string, unknown>>(
      {
        ...q,
        'q/select': withId as Query['q/select'],
        ...(where ? { 'q/where': where as Query['q/where'] } : {}),
        'q/order-by': [[['fibery/id'], 'q/asc']],
        'q/limit': pageSize,
      },
      cursor === undefined ? params : { ...params, $weftCursor: cursor },
      { signal },
    );
    for (const row of rows) {
      if (added) {
        const { [key]: _, ...rest } = row;
        yield rest as Row;
      } else yield row as Row;
    }
    if (rows.length < pageSize) return;
    cursor = String(rows[rows.length - 1]![key]);
  }
}
