import type { Migration } from './migration.ts';

/**
 * Each workspace's databases ("types") and their fields. A type's entities live in a table of their
 * own (`table_name`, generated, never from input) with a column per field (`column_name`, generated).
 */
export const schemaMigration: Migration = {
  id: '003-schema',
  sql: `
    ALTER TABLE workspaces ADD COLUMN schema_version BIGINT NOT NULL DEFAULT 1;

    CREATE TABLE schema_types (
      id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      table_name TEXT NOT NULL UNIQUE,
      meta TEXT NOT NULL,
      public_sequence BIGINT NOT NULL DEFAULT 0,
      created_at BIGINT NOT NULL,
      UNIQUE (workspace_id, name)
    );

    CREATE TABLE schema_fields (
      id TEXT PRIMARY KEY,
      type_id TEXT NOT NULL REFERENCES schema_types (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      fibery_type TEXT NOT NULL,
      column_name TEXT NOT NULL,
      meta TEXT NOT NULL,
      position BIGINT NOT NULL,
      UNIQUE (type_id, name)
    );
  `,
};
