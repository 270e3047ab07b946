import type { Dialect } from '../sql-driver.ts';

/**
 * One step of the schema. `sql` runs on both databases; `sqlByDialect` replaces it on the one it
 * names where the two differ. Never edit a released migration: add the next one.
 */
export interface Migration {
  id: string;
  sql: string;
  sqlByDialect?: Partial<Record<Dialect, string>>;
}
