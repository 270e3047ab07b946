import { closeSync, openSync, readSync, statSync } from 'node:fs';
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
 * `dataVersion` pairs a count of commits by other connections (the CLI, another process) with a count
 * of this connection's own writes.
 */
const MAX_STATEMENTS = 2000;

/** The first copy of the WAL-index header: https://www.sqlite.org/walformat.html#the_wal_index_header */
const WAL_INDEX_HEADER_BYTES = 48;

/**
 * The `-shm` files this process reads, one descriptor per file (by device and inode) however many
 * drivers share it. Closing any descriptor of a file drops every POSIX lock the process holds on it,
 * SQLite's own included, so a descriptor is closed only after the last driver of its file has closed
 * its connection.
 */
const shmFiles = new Map<string, { fd: number; users: number }>();

function openShm(path: string): { fd: number; release(): void } | null {
  let key: string;
  try {
    const { dev, ino } = statSync(path);
    key = `${dev}:${ino}`;
  } catch {
    return null;
  }
  let file = shmFiles.get(key);
  if (!file) {
    file = { fd: openSync(path, 'r'), users: 0 };
    shmFiles.set(key, file);
  }
  file.users++;
  const shared = file;
  return {
    fd: file.fd,
    release() {
      if (--shared.users > 0) return;
      shmFiles.delete(key);
      closeSync(shared.fd);
    },
  };
}

/**
 * A number that moves whenever another connection has committed, asked on every API request (the
 * token cache and the schema cache each ask). `PRAGMA data_version` answers it with a read
 * transaction, which takes and drops SQLite's shared locks with `fcntl`: 1.7 µs on an idle machine and
 * several times that under load. In WAL mode every commit rewrites the WAL-index header at the start
 * of the `-shm` file (its frame count and checksums move, and its salts when the WAL restarts), so
 * one `pread` of it (0.5 µs) tells the same without a lock: an unchanged header means no commit since.
 * A header read while a writer rewrites it only looks changed, which costs a re-read, never a stale
 * answer. Outside WAL mode (an in-memory database) the pragma is used. `release` runs after the
 * connection has closed.
 */
function commitCounter(
  db: Database.Database,
  filename: string,
  wal: boolean,
): { read(): number; release(): void } {
  const pragma = db.prepare('PRAGMA data_version').pluck();
  const fallback = { read: () => pragma.get() as number, release() {} };
  // Only a database in WAL mode has a live -shm file (one left from an earlier WAL run would never move).
  if (!wal) return fallback;
  pragma.get(); // a first read opens the WAL and creates the -shm file
  const shm = openShm(`${filename}-shm`);
  if (!shm) return fallback;
  const header = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
  const seen = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
  let commits = 0;
  return {
    read() {
      readSync(shm.fd, header, 0, WAL_INDEX_HEADER_BYTES, 0);
      if (!header.equals(seen)) {
        header.copy(seen);
        commits++;
      }
      return commits;
    },
    release: shm.release,
  };
}

export function createSqliteDriver(filename: string, { busyTimeoutMs = 5000 } = {}): SqlDriver {
  const db = new Database(filename, { timeout: busyTimeoutMs });
  // An in-memory database stays in its own mode (`memory`).
  const wal = db.pragma('journal_mode = WAL', { simple: true }) === 'wal';
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');

  const statements = new Map<string, { statement: Database.Statement; order: number[] }>();
  let queue: Promise<unknown> = Promise.resolve();
  const commits = commitCounter(db, filename, wal);
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
    dataVersion: () => (open ? `${commits.read()}:${ownWrites}` : null),
    ping: () => enqueue(async () => void db.prepare('SELECT 1').get()),
    close: () =>
      enqueue(async () => {
        open = false;
        if (db.open) {
          db.close();
          commits.release();
        }
      }),
  };
}
