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

export interface SqlDriver extends SqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * On SQLite it takes the write lock up front (BEGIN IMMEDIATE), so a read-then-write inside it
   * cannot race another process; other statements of this process wait until it ends.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
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
