import { sqlDialect } from '../dialects/index.ts';
import type { SqlExecutor } from '../sql-driver.ts';
import type { Migration } from './migration.ts';

/**
 * Queries are ordered by creation date, then id, as Fibery documents (before: by id alone), so a page
 * of a database in the default order, or of `fibery/user`, is read from an index rather than sorted.
 * New entity tables get theirs when they are created.
 */
export const creationOrderIndexMigration: Migration = {
  id: '008-creation-order-index',
  sql: 'CREATE INDEX IF NOT EXISTS workspace_users_created ON workspace_users (workspace_id, created_at, id);',
  sqlByDialect: {
    postgres:
      'CREATE INDEX IF NOT EXISTS workspace_users_created ON workspace_users (workspace_id, created_at, (id COLLATE "C"));',
  },
  async apply(tx: SqlExecutor) {
    const tables = await tx.query<{ table_name: string }>('SELECT table_name FROM schema_types');
    for (const { table_name: table } of tables)
      await tx.exec(sqlDialect(tx.dialect).creationOrderIndex(table));
  },
};
