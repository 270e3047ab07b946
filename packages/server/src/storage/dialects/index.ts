import type { Dialect } from '../sql-driver.ts';
import type { SqlDialect } from './dialect.ts';
import { postgresDialect } from './postgres.ts';
import { sqliteDialect } from './sqlite.ts';

export type { ListElementType, SqlDialect } from './dialect.ts';
export { postgresDialect, sqliteDialect };

const DIALECTS: Record<Dialect, SqlDialect> = { sqlite: sqliteDialect, postgres: postgresDialect };

/** The SQL of the database named `name`. */
export const sqlDialect = (name: Dialect): SqlDialect => DIALECTS[name];
