import type { Migration } from './migration.ts';

/**
 * Relation fields: how each one is stored (`storage`, JSON; NULL for primitive fields). A to-one side
 * has a column of its holder's table; a to-many side reads its partner's column, or shares a join
 * table with its partner.
 */
export const relationsMigration: Migration = {
  id: '004-relations',
  sql: `ALTER TABLE schema_fields ADD COLUMN storage TEXT;`,
};
