/**
 * One better-sqlite3 connection and the statements it has prepared, kept for reuse within a budget of
 * bytes of SQL text. A prepared statement holds 30 to 100 times its text in memory (measured: a
 * 4 KB `IN (?, …)` of 2,000 parameters held 0.4 MB), so a cache that counted statements let a
 * token fill memory by sending queries of many shapes. An evicted statement is only freed when V8
 * collects its object, which can take indefinitely; so once as much text has been evicted as the
 * budget holds, the connection is closed and opened again (`recycle`), which finalizes every
 * statement at once and returns their memory to SQLite's allocator.
 */
import Database from 'better-sqlite3';
import type { SqlValue } from '../sql-driver.ts';

export type SqliteSynchronous = 'full' | 'normal';

export interface SqliteConnectionOptions {
  busyTimeoutMs: number;
  synchronous: SqliteSynchronous;
  /** Bytes of SQL text its cached statements may hold. */
  cacheBytes: number;
  readonly?: boolean;
}

interface Prepared {
  statement: Database.Statement;
  /** Which parameter each `?` takes, in order. */
  order: number[];
}

export interface SqliteConnection {
  readonly db: Database.Database;
  /** Bytes of SQL text of the statements kept prepared now. */
  readonly cachedBytes: number;
  /** Whether the statement only reads (prepared and cached like any other). */
  isReadOnly(sql: string): boolean;
  all(sql: string, params: readonly SqlValue[]): unknown[];
  /** Resolves the number of rows changed. */
  run(sql: string, params: readonly SqlValue[]): number;
  exec(sql: string): void;
  /** Closes and reopens the connection when evictions call for it; only between transactions. */
  recycleIfDue(): void;
  close(): void;
}

export function openSqliteConnection(filename: string, options: SqliteConnectionOptions): SqliteConnection {
  const open = () => {
    const db = new Database(filename, {
      timeout: options.busyTimeoutMs,
      readonly: options.readonly ?? false,
    });
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    }
    // Unicode lower case, as PostgreSQL's weft_lower (migration 007): SQLite's lower is ASCII only.
    db.function('weft_lower', { deterministic: true }, (value: unknown) =>
      typeof value === 'string' ? value.toLowerCase() : value,
    );
    return db;
  };
  let db = open();
  const cache = new Map<string, Prepared>();
  let cachedBytes = 0;
  let evictedBytes = 0;
  /** Whether each statement seen only reads; kept apart from the cache, so asking moves nothing. */
  const readOnly = new Map<string, boolean>();

  function prepare(sql: string): Prepared {
    let prepared = cache.get(sql);
    if (prepared) {
      // Least recently used goes first: statements in use stay, whatever else comes and goes.
      cache.delete(sql);
      cache.set(sql, prepared);
      return prepared;
    }
    // `$3` → `+?`, remembering which parameter each `?` takes, so `$1` may appear twice. The unary
    // plus (a no-op on any value) keeps SQLite's STAT4 from re-preparing the statement on every
    // execution because "the bound value might change the plan": that re-prepare cost 10-20 µs per
    // query with a join, several times the query itself. Indexes are used just the same.
    const order: number[] = [];
    const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
      order.push(Number(n) - 1);
      return '+?';
    });
    prepared = { statement: db.prepare(text), order };
    while (cachedBytes + sql.length > options.cacheBytes && cache.size > 0) {
      const [oldest] = cache.keys();
      cache.delete(oldest!);
      cachedBytes -= oldest!.length;
      evictedBytes += oldest!.length;
    }
    if (sql.length <= options.cacheBytes) {
      cache.set(sql, prepared);
      cachedBytes += sql.length;
    } else {
      evictedBytes += sql.length;
    }
    return prepared;
  }

  function bind(order: number[], params: readonly SqlValue[]) {
    return order.map((index) => {
      const value = params[index];
      if (value === undefined) throw new RangeError(`SQL parameter $${index + 1} is missing`);
      return typeof value === 'boolean' ? Number(value) : value;
    });
  }

  return {
    get db() {
      return db;
    },
    get cachedBytes() {
      return cachedBytes;
    },
    isReadOnly(sql) {
      let known = readOnly.get(sql);
      if (known === undefined) {
        known = prepare(sql).statement.readonly;
        if (readOnly.size >= 10_000) readOnly.clear();
        readOnly.set(sql, known);
      }
      return known;
    },
    all(sql, params) {
      const { statement, order } = prepare(sql);
      return statement.all(...bind(order, params));
    },
    run(sql, params) {
      const { statement, order } = prepare(sql);
      return statement.run(...bind(order, params)).changes;
    },
    exec(sql) {
      db.exec(sql);
    },
    recycleIfDue() {
      if (evictedBytes < options.cacheBytes || db.inTransaction || filename === ':memory:') return;
      db.close();
      cache.clear();
      cachedBytes = 0;
      evictedBytes = 0;
      db = open();
    },
    close() {
      if (db.open) db.close();
    },
  };
}
