/**
 * The tables and columns of the schema's databases. Table and column names are generated, never
 * taken from a request; each database's own SQL comes from its dialect.
 */
import type { RelationStorage } from '../../storage/index.ts';
import type { SchemaChange } from './change.ts';
import { generated } from './change.ts';

/** A new entity table with its indexes. */
export async function createTable(change: SchemaChange, table: string) {
  for (const statement of change.sql.createEntityTable(table)) await change.tx.execDdl(statement);
}

/** A new join table (`a` → `b`, indexed both ways); resolves with its storage for the `a` side. */
export async function createJoinTable(change: SchemaChange): Promise<RelationStorage & { kind: 'join' }> {
  const table = generated('j');
  for (const statement of change.sql.createJoinTable(table)) await change.tx.execDdl(statement);
  return { kind: 'join', table, self: 'a', other: 'b' };
}

/** A new indexed column of related ids in `table`; resolves with its name. */
export async function addRelationColumn(change: SchemaChange, table: string): Promise<string> {
  const column = generated('f');
  await change.tx.execDdl(`ALTER TABLE ${table} ADD COLUMN ${column} TEXT`);
  await change.tx.execDdl(`CREATE INDEX i_${column} ON ${table} (${column})`);
  return column;
}

export async function countRows(change: SchemaChange, table: string) {
  const [row] = await change.tx.queryRows(`SELECT count(*) AS n FROM ${table}`, []);
  return Number(row?.n ?? 0);
}
