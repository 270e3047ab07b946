import type { Migration } from './migration.ts';

/** Workspaces, accounts and the workspace users that join them, with their roles. */
export const accountsMigration: Migration = {
  id: '001-accounts',
  sql: `
    CREATE TABLE workspaces (
      id TEXT PRIMARY KEY,
      slug TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      user_sequence BIGINT NOT NULL DEFAULT 0,
      created_at BIGINT NOT NULL
    );

    CREATE TABLE accounts (
      id TEXT PRIMARY KEY,
      email TEXT NOT NULL,
      email_normalized TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      password_hash TEXT,
      password_changed_at BIGINT,
      created_at BIGINT NOT NULL
    );

    CREATE TABLE workspace_users (
      id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
      account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      public_id BIGINT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'observer')),
      active BOOLEAN NOT NULL DEFAULT TRUE,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      UNIQUE (workspace_id, account_id),
      UNIQUE (workspace_id, public_id)
    );

    CREATE INDEX workspace_users_account_id ON workspace_users (account_id);
  `,
};
