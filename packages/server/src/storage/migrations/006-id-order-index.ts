import type { Migration } from './migration.ts';

/**
 * On PostgreSQL, an index on `(id COLLATE "C")` for each entity table that has none: every query is
 * ordered by id (bytewise, as SQLite orders), and the primary key, in the database's collation,
 * cannot give that order, so a page of 100 sorted the whole table (12-17 ms over 99,000 rows, 0.2 ms
 * with the index). New tables get it when they are created. SQLite's tables are stored in id order
 * already.
 */
export const idOrderIndexMigration: Migration = {
  id: '006-id-order-index',
  sql: 'SELECT 1;',
  sqlByDialect: {
    postgres: `
      DO $$
      DECLARE entity record;
      BEGIN
        FOR entity IN SELECT table_name FROM schema_types LOOP
          IF to_regclass(quote_ident(entity.table_name)) IS NOT NULL THEN
            EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I ((id COLLATE "C"))',
              entity.table_name || '_id_c', entity.table_name);
          END IF;
        END LOOP;
      END $$;
    `,
  },
};
