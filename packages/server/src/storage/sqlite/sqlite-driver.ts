import { createFairQueue } from '../fair-queue.ts';
import { createSlots } from '../slots.ts';
import type { SqlDriver, SqlExecutor, SqlScope, SqlValue, TransactionOptions } from '../sql-driver.ts';
import { createCommitCounter } from './commit-counter.ts';
import { openSqliteConnection, type SqliteConnection, type SqliteSynchronous } from './sqlite-connection.ts';

/**
 * SQLite through better-sqlite3, in WAL mode, so readers never block the writer and the CLI can write
 * while the server runs. Three kinds of connection:
 *
 * - the writer, for every statement that writes and for transactions that write (BEGIN IMMEDIATE):
 *   one at a time, the others waiting for the write lock (`writeLock`);
 * - a shared reader, for reads outside a transaction, so they never wait for a transaction;
 * - snapshot readers, opened on demand up to `snapshotReaders`, one per read-only transaction: it
 *   reads one snapshot without holding any lock, while everything else goes on.
 *
 * better-sqlite3 is synchronous, so the statements of all of them run one at a time on the event
 * loop, in the order the fair queue gives: the keys of scopes (workspaces) take turns, and the queue
 * yields to the event loop every few milliseconds. A statement refused there, or a wait for the write
 * lock or a snapshot reader longer than `waitLimitMs`, rejects with DatabaseBusyError. An in-memory
 * database (tests) has one connection for everything.
 *
 * `dataVersion` pairs a count of commits seen in the WAL index (this process's and others') with a
 * count of this driver's own writes (an in-memory database has no WAL index).
 */
export interface SqliteDriverOptions {
  /** How long a statement waits for another process's write lock (SQLite's busy timeout). */
  busyTimeoutMs?: number;
  /** `full` syncs the WAL on every commit; `normal` may lose the last commits to a power loss. */
  synchronous?: SqliteSynchronous;
  /** How long work may wait for its turn, the write lock or a reader before DatabaseBusyError. */
  waitLimitMs?: number;
  /** Bytes of SQL text each connection keeps prepared. */
  statementCacheBytes?: number;
  /** Most read-only transactions running at once. */
  snapshotReaders?: number;
}

const UNSCOPED = '';

export function createSqliteDriver(
  filename: string,
  {
    busyTimeoutMs = 5000,
    synchronous = 'full',
    waitLimitMs = 5000,
    statementCacheBytes = 256 * 1024,
    snapshotReaders = 2,
  }: SqliteDriverOptions = {},
): SqlDriver {
  const connect = (readonly = false) =>
    openSqliteConnection(filename, { busyTimeoutMs, synchronous, cacheBytes: statementCacheBytes, readonly });
  const writer = connect();
  // An in-memory database stays in its own mode (`memory`) and has no other connections.
  const wal = writer.db.pragma('journal_mode', { simple: true }) === 'wal';
  const reader = wal ? connect(true) : writer;
  const commits = createCommitCounter(writer.db, filename, wal);
  const queue = createFairQueue({ waitLimitMs });
  const writeLock = createSlots(1, waitLimitMs, 'the write lock');
  const snapshotSlots = createSlots(wal ? snapshotReaders : 1, waitLimitMs, 'a snapshot reader');
  const idleSnapshots: SqliteConnection[] = [];
  const allSnapshots: SqliteConnection[] = [];
  let ownWrites = 0;
  let open = true;

  function checkOpen() {
    if (!open) throw new Error('the SQLite driver is closed');
  }

  /** A statement on `connection` in the queue; the connection is recycled first when that is due. */
  function statement<T>(connection: SqliteConnection, scope: SqlScope | undefined, work: () => T) {
    return queue.push(
      scope?.key ?? UNSCOPED,
      () => {
        checkOpen();
        connection.recycleIfDue();
        return work();
      },
      scope,
    );
  }

  function writes(connection: SqliteConnection, sql: string, params: readonly SqlValue[]) {
    const changes = connection.run(sql, params);
    if (changes > 0) ownWrites++;
    return changes;
  }

  /** Statements inside a transaction on `connection`, which the transaction holds. */
  function inside(connection: SqliteConnection, scope: SqlScope | undefined): SqlExecutor {
    return {
      dialect: 'sqlite',
      query: <Row>(sql: string, params: readonly SqlValue[] = []) =>
        statement(connection, scope, () => connection.all(sql, params) as Row[]),
      run: (sql, params = []) => statement(connection, scope, () => writes(connection, sql, params)),
      exec: (sql) =>
        statement(connection, scope, () => {
          ownWrites++;
          connection.exec(sql);
        }),
    };
  }

  /** A write outside a transaction: it waits for the write lock, as no transaction may be open. */
  async function write<T>(scope: SqlScope | undefined, work: (connection: SqliteConnection) => T) {
    await writeLock.acquire();
    try {
      return await statement(writer, scope, () => work(writer));
    } finally {
      writeLock.release();
    }
  }

  async function withSnapshotReader<T>(work: (connection: SqliteConnection) => Promise<T>) {
    await snapshotSlots.acquire();
    let connection = idleSnapshots.pop();
    try {
      if (!connection) {
        connection = connect(true);
        allSnapshots.push(connection);
      }
      return await work(connection);
    } finally {
      if (connection) idleSnapshots.push(connection);
      snapshotSlots.release();
    }
  }

  async function transaction<T>(
    scope: SqlScope | undefined,
    work: (tx: SqlExecutor) => Promise<T>,
    { readOnly = false }: TransactionOptions = {},
  ): Promise<T> {
    const run = async (connection: SqliteConnection) => {
      await statement(connection, scope, () => connection.exec(readOnly ? 'BEGIN' : 'BEGIN IMMEDIATE'));
      try {
        const result = await work(inside(connection, scope));
        await statement(connection, undefined, () => connection.exec('COMMIT'));
        return result;
      } catch (error) {
        // Unscoped and outside the queue's wait limit: a rollback must never be refused.
        if (connection.db.open && connection.db.inTransaction) connection.exec('ROLLBACK');
        throw error;
      }
    };
    if (readOnly && wal) return withSnapshotReader(run);
    await writeLock.acquire();
    try {
      return await run(writer);
    } finally {
      writeLock.release();
    }
  }

  function executor(scope: SqlScope | undefined): SqlDriver {
    return {
      dialect: 'sqlite',
      async query<Row>(sql: string, params: readonly SqlValue[] = []) {
        // Reads go to the reader; a statement that writes (INSERT … RETURNING) needs the writer, and
        // with one connection for everything, so does any statement (a transaction may be open on it).
        if (wal && reader.isReadOnly(sql))
          return statement(reader, scope, () => reader.all(sql, params) as Row[]);
        return write(scope, (connection) => {
          const rows = connection.all(sql, params) as Row[];
          ownWrites++;
          return rows;
        });
      },
      run: (sql, params = []) => write(scope, (connection) => writes(connection, sql, params)),
      exec: (sql) =>
        write(scope, (connection) => {
          ownWrites++;
          connection.exec(sql);
        }),
      transaction: (work, options) => transaction(scope, work, options),
      scoped: (inner) => executor(inner),
      // Read outside the queue on purpose: a write in progress has already counted itself, so the
      // version can only move early, never late. `open` is tracked here: better-sqlite3's getter is
      // a native call, on every request.
      dataVersion: () => (open ? `${commits.read()}:${ownWrites}` : null),
      ping: () => statement(reader, scope, () => void reader.all('SELECT 1', [])),
      async close() {
        if (!open) return;
        // Wait for the transactions in progress, then close every connection.
        await writeLock.acquire().catch(() => {});
        open = false;
        for (const connection of allSnapshots) connection.close();
        if (reader !== writer) reader.close();
        writer.close();
        commits.release();
        writeLock.release();
      },
    };
  }

  return executor(undefined);
}
