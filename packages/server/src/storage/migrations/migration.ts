import type { Dialect, SqlExecutor } from '../sql-driver.ts';

/**
 * One step of the schema. `sql` runs on both databases; `sqlByDialect` replaces it on the one it
 * names where the two differ; `apply`, when given, runs after it, for steps that depend on what is
 * stored (one per entity table). Never edit a released migration: add the next one.
 */
export interface Migration {
  id: string;
  sql: string;
  sqlByDialect?: Partial<Record<Dialect, string>>;
  apply?(tx: SqlExecutor): Promise<void>;
}
