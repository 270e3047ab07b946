import { sqlDialect } from './dialects/index.ts';
import type { Migration } from './migrations/index.ts';
import type { SqlDriver } from './sql-driver.ts';

/**
 * Applies the migrations not applied yet, all in one transaction, and returns their ids.
 *
 * Safe when several instances start at once: on PostgreSQL a transaction-scoped advisory lock (keyed
 * by the current schema) makes the others wait and then find nothing left to do; on SQLite
 * BEGIN IMMEDIATE does the same across processes. The bookkeeping table is created under the lock,
 * since concurrent CREATE TABLE IF NOT EXISTS can still collide on PostgreSQL.
 */
export async function runMigrations(
  driver: SqlDriver,
  migrations: readonly Migration[],
  now: number,
): Promise<string[]> {
  return driver.transaction(async (tx) => {
    for (const statement of sqlDialect(tx.dialect).migrationLock) await tx.exec(statement);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS weft_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const rows = await tx.query<{ id: string }>('SELECT id FROM weft_migrations');
    const done = new Set(rows.map((row) => row.id));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      await tx.exec(migration.sqlByDialect?.[tx.dialect] ?? migration.sql);
      await migration.apply?.(tx);
      await tx.run('INSERT INTO weft_migrations (id, applied_at) VALUES ($1, $2)', [migration.id, now]);
      applied.push(migration.id);
    }
    return applied;
  });
}
