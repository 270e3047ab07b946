import Database from 'better-sqlite3';
import type { SqlDriver, SqlExecutor, SqlValue } from '../sql-driver.ts';

/**
 * SQLite through better-sqlite3: WAL (readers never block the writer, and the CLI can write while the
 * server runs), foreign keys on, a busy timeout for the other process's write lock.
 *
 * better-sqlite3 is synchronous, but a transaction's work is async (it awaits the caller's code), so
 * statements of other requests could otherwise slip into it. A promise queue serialises them: while a
 * transaction runs, statements outside it wait.
 *
 * `dataVersion` pairs SQLite's `PRAGMA data_version`, which changes when another connection (the CLI,
 * another process) commits, with a count of this connection's own writes, which it does not see.
 */
const MAX_STATEMENTS = 2000;

export function createSqliteDriver(filename: string, { busyTimeoutMs = 5000 } = {}): SqlDriver {
  const db = new Database(filename, { timeout: busyTimeoutMs });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');

  const statements = new Map<string, { statement: Database.Statement; order: number[] }>();
  let queue: Promise<unknown> = Promise.resolve();
  const readDataVersion = db.prepare('PRAGMA data_version').pluck();
  let ownWrites = 0;
  let open = true;

  // Statements are kept for reuse, at most MAX_STATEMENTS of them: generated SQL varies (a q/in list
  // of each length is a statement of its own), so an unbounded cache would grow without end. The
  // oldest is dropped first; a hit costs one lookup.
  function prepare(sql: string) {
    let cached = statements.get(sql);
    if (!cached) {
      // `$3` → `+?`, remembering which parameter each `?` takes, so `$1` may appear twice. The unary
      // plus (a no-op on any value) keeps SQLite's STAT4 from re-preparing the statement on every
      // execution because "the bound value might change the plan": that re-prepare cost 10-20 µs per
      // query with a join, several times the query itself. Indexes are used just the same.
      const order: number[] = [];
      const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
        order.push(Number(n) - 1);
        return '+?';
      });
      cached = { statement: db.prepare(text), order };
      if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
      statements.set(sql, cached);
    }
    return cached;
  }

  function bind(order: number[], params: readonly SqlValue[]) {
    return order.map((index) => {
      const value = params[index];
      if (value === undefined) throw new RangeError(`SQL parameter $${index + 1} is missing`);
      return typeof value === 'boolean' ? Number(value) : value;
    });
  }

  const direct: SqlExecutor = {
    dialect: 'sqlite',
    async query<Row>(sql: string, params: readonly SqlValue[] = []) {
      const { statement, order } = prepare(sql);
      return statement.all(...bind(order, params)) as Row[];
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      const { statement, order } = prepare(sql);
      const { changes } = statement.run(...bind(order, params));
      if (changes > 0) ownWrites++;
      return changes;
    },
    async exec(sql: string) {
      ownWrites++;
      db.exec(sql);
    },
  };

  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task);
    queue = result.catch(() => {});
    return result;
  }

  return {
    dialect: 'sqlite',
    query: (sql, params) => enqueue(() => direct.query(sql, params)),
    run: (sql, params) => enqueue(() => direct.run(sql, params)),
    exec: (sql) => enqueue(() => direct.exec(sql)),
    transaction: (work) =>
      enqueue(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(direct);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    // Read outside the queue on purpose: a write in progress has already counted itself, so the
    // version can only move early, never late.
    // `open` is tracked here: better-sqlite3's getter is a native call, on every request.
    dataVersion: () => (open ? `${readDataVersion.get()}:${ownWrites}` : null),
    ping: () => enqueue(async () => void db.prepare('SELECT 1').get()),
    close: () =>
      enqueue(async () => {
        open = false;
        if (db.open) db.close();
      }),
  };
}
