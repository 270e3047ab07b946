/**
 * The narrow SQL contract that both databases implement. Statements are written once, with
 * PostgreSQL-style `$1` placeholders; the SQLite driver rewrites them. Values are always bound as
 * parameters, never spliced into the text.
 */
export type Dialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | boolean | null;

export interface SqlExecutor {
  readonly dialect: Dialect;
  /** Rows of a statement that returns rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * Whose work a statement is, so that no one holds the database alone: on SQLite the statements of
 * different keys (workspaces) take turns, on PostgreSQL one key holds at most its share of the
 * connections. Work without a scope (authentication, the CLI) has a key of its own.
 */
export interface SqlScope {
  readonly key: string;
  /** Throws when the work must stop (its time is up, its client has gone); asked before each statement. */
  check(): void;
  /**
   * Calls `stop` as soon as the work must stop while a statement runs (PostgreSQL then cancels it);
   * resolves nothing, returns a function that stops watching.
   */
  watch(stop: () => void): () => void;
}

export interface TransactionOptions {
  /**
   * Only reads: on SQLite it reads one snapshot on a connection of its own, holding no lock, so other
   * work goes on meanwhile; on PostgreSQL it is READ ONLY.
   */
  readOnly?: boolean;
}

export interface SqlDriver extends SqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * On SQLite a writing transaction takes the write lock up front (BEGIN IMMEDIATE), so a
   * read-then-write inside it cannot race another process; other writes wait until it ends.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** The same database, its statements done for `scope`. */
  scoped(scope: SqlScope): SqlDriver;
  /**
   * A value that changes whenever anything is written to the database, by this process or any other,
   * cheap enough to read on every request; null where the database offers no such signal
   * (PostgreSQL). Caches of database rows are exact while it stays the same.
   */
  dataVersion(): string | null;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The database is too busy to take more work now: a statement waited longer than the wait limit for
 * its turn, a connection or the write lock. The HTTP layer answers 503 with Retry-After.
 */
export class DatabaseBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseBusyError';
  }
}
