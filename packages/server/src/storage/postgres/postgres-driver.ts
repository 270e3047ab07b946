import pg from 'pg';
import { createSlots, type Slots } from '../slots.ts';
import {
  DatabaseBusyError,
  type SqlDriver,
  type SqlExecutor,
  type SqlScope,
  type SqlValue,
  type TransactionOptions,
} from '../sql-driver.ts';

const INT8_OID = 20;

export interface PostgresDriverOptions {
  /** Connections in the pool. */
  poolSize?: number;
  /** How long work waits for a connection (or its key's share of them) before DatabaseBusyError. */
  waitLimitMs?: number;
  /** PostgreSQL's `statement_timeout` on every connection, in ms; 0 for none. */
  statementTimeoutMs?: number;
  /** Most connections the work of one key (a workspace) holds at once; half the pool by default. */
  keyConnections?: number;
}

/** pg-pool's error when no connection came free in time (it has no code). */
const POOL_TIMEOUT = 'timeout exceeded when trying to connect';

function busyOr(error: unknown, waitLimitMs: number): unknown {
  return error instanceof Error && error.message === POOL_TIMEOUT
    ? new DatabaseBusyError(`The database is busy: no connection came free within ${waitLimitMs} ms.`)
    : error;
}

/**
 * PostgreSQL through a `pg` pool. BIGINT columns hold epoch milliseconds and counters, all far below
 * 2^53, so they are read as numbers rather than strings (a parser on this pool only, not global).
 *
 * Scoped work (a request's commands) runs on a connection taken for it, at most `keyConnections` at
 * once per key, so one workspace cannot take the whole pool. When the scope says its work must stop
 * (its time is up, its client has gone), the statement running on its connection is cancelled
 * (`pg_cancel_backend`, over a connection of its own: the pool may be full) and that connection is
 * closed rather than reused, so the cancel can never reach another request's statement.
 */
export function createPostgresDriver(
  connectionString: string,
  {
    poolSize = 10,
    waitLimitMs = 5000,
    statementTimeoutMs = 30_000,
    keyConnections = Math.max(1, Math.floor(poolSize / 2)),
  }: PostgresDriverOptions = {},
): SqlDriver {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: waitLimitMs,
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const shares = new Map<string, Slots>();
  /** Connections whose rollback failed: in an unknown state, so closed rather than reused. */
  const broken = new WeakSet<pg.PoolClient>();

  async function cancelBackend(pid: number) {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: waitLimitMs });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Runs `work` on a connection of the scope's share, cancelling it when the scope must stop. */
  async function onConnection<T>(scope: SqlScope, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    scope.check();
    let share = shares.get(scope.key);
    if (!share) {
      share = createSlots(keyConnections, waitLimitMs, "this workspace's share of the connections");
      shares.set(scope.key, share);
    }
    await share.acquire();
    try {
      const client = await pool.connect().catch((error: unknown) => {
        throw busyOr(error, waitLimitMs);
      });
      let cancelling: Promise<void> | null = null;
      const unwatch = scope.watch(() => {
        cancelling ??= cancelBackend((client as unknown as { processID: number }).processID).catch(() => {});
      });
      try {
        return await work(client);
      } catch (error) {
        // A cancelled statement fails as cancelled; the scope says why (time up, client gone).
        if (cancelling) scope.check();
        throw error;
      } finally {
        unwatch();
        if (cancelling) await cancelling;
        client.release(cancelling !== null || broken.has(client));
      }
    } finally {
      share.release();
      if (share.taken === 0) shares.delete(scope.key);
    }
  }

  function executor(client: pg.Pool | pg.PoolClient, scope?: SqlScope): SqlExecutor {
    const query = async (sql: string, params: readonly SqlValue[] = []) => {
      scope?.check();
      try {
        return await client.query(sql, params as SqlValue[]);
      } catch (error) {
        throw busyOr(error, waitLimitMs);
      }
    };
    return {
      dialect: 'postgres',
      async query<Row>(sql: string, params?: readonly SqlValue[]) {
        return (await query(sql, params)).rows as Row[];
      },
      async run(sql: string, params?: readonly SqlValue[]) {
        return (await query(sql, params)).rowCount ?? 0;
      },
      async exec(sql: string) {
        await query(sql);
      },
    };
  }

  async function inTransaction<T>(
    client: pg.PoolClient,
    scope: SqlScope | undefined,
    work: (tx: SqlExecutor) => Promise<T>,
    { readOnly = false }: TransactionOptions,
  ): Promise<T> {
    // A read-only transaction reads one snapshot, as SQLite's does.
    await client.query(readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
    try {
      const result = await work(executor(client, scope));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => broken.add(client));
      throw error;
    }
  }

  function driver(scope: SqlScope | undefined): SqlDriver {
    const unscoped = executor(pool);
    const statement = <T>(work: (tx: SqlExecutor) => Promise<T>) =>
      scope ? onConnection(scope, (client) => work(executor(client, scope))) : work(unscoped);
    return {
      dialect: 'postgres',
      query: (sql, params) => statement((tx) => tx.query(sql, params)),
      run: (sql, params) => statement((tx) => tx.run(sql, params)),
      exec: (sql) => statement((tx) => tx.exec(sql)),
      async transaction(work, options = {}) {
        if (scope) return onConnection(scope, (client) => inTransaction(client, scope, work, options));
        const client = await pool.connect().catch((error: unknown) => {
          throw busyOr(error, waitLimitMs);
        });
        try {
          return await inTransaction(client, undefined, work, options);
        } finally {
          client.release(broken.has(client));
        }
      },
      scoped: (inner) => driver(inner),
      // No cheap cross-instance change signal: callers read the rows they need on every request.
      dataVersion: () => null,
      async ping() {
        await unscoped.query('SELECT 1');
      },
      async close() {
        await pool.end();
      },
    };
  }

  return driver(undefined);
}
