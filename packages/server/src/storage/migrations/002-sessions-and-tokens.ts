import type { Migration } from './migration.ts';

/**
 * Browser sessions and API tokens. Both keep only the SHA-256 of their secret, under a unique index,
 * so a lookup is one indexed read and a copy of the database yields no usable credential.
 */
export const sessionsAndTokensMigration: Migration = {
  id: '002-sessions-and-tokens',
  sql: `
    CREATE TABLE sessions (
      id TEXT PRIMARY KEY,
      secret_hash TEXT NOT NULL UNIQUE,
      workspace_user_id TEXT NOT NULL REFERENCES workspace_users (id) ON DELETE CASCADE,
      csrf_token TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      last_seen_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL
    );
    CREATE INDEX sessions_workspace_user_id ON sessions (workspace_user_id);

    CREATE TABLE api_tokens (
      id TEXT PRIMARY KEY,
      secret_hash TEXT NOT NULL UNIQUE,
      workspace_user_id TEXT NOT NULL REFERENCES workspace_users (id) ON DELETE CASCADE,
      display TEXT NOT NULL,
      description TEXT,
      created_at BIGINT NOT NULL,
      last_used_at BIGINT
    );
    CREATE INDEX api_tokens_workspace_user_id ON api_tokens (workspace_user_id);
  `,
};
