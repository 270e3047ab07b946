import type { Migration } from './migration.ts';

/**
 * OAuth 2.0: the apps an administrator registered, what the authorization server keeps between
 * requests, and its keys.
 *
 * - `oauth_clients`: an app; `secret_hash` is the SHA-256 of its secret, NULL for a public app.
 * - `oauth_artifacts`: every object the provider stores (codes, access and refresh tokens, grants,
 *   sessions, interactions), one row each, keyed by model and the SHA-256 of its id, so that a copy
 *   of the database yields no usable code or token. `grant_id`, `account_id` and `client_id` are
 *   copied out of the payload for revocation, the Authorized apps page and the Bearer check.
 *   `consumed_at` is set once, atomically (a code or refresh token is redeemed once).
 * - `oauth_keys`: signing keys (JWK) and cookie keys, the newest first in use; encrypted when
 *   `WEFT_SECRET_KEY` is set.
 */
export const oauthMigration: Migration = {
  id: '009-oauth',
  sql: `
    CREATE TABLE oauth_clients (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      secret_hash TEXT,
      redirect_uris TEXT NOT NULL,
      created_at BIGINT NOT NULL
    );

    CREATE TABLE oauth_artifacts (
      model TEXT NOT NULL,
      id_hash TEXT NOT NULL,
      payload TEXT NOT NULL,
      grant_id TEXT,
      account_id TEXT,
      client_id TEXT,
      uid TEXT,
      expires_at BIGINT,
      consumed_at BIGINT,
      last_used_at BIGINT,
      PRIMARY KEY (model, id_hash)
    );
    CREATE INDEX oauth_artifacts_grant_id ON oauth_artifacts (grant_id);
    CREATE INDEX oauth_artifacts_uid ON oauth_artifacts (uid);
    CREATE INDEX oauth_artifacts_account_id ON oauth_artifacts (account_id, model);
    CREATE INDEX oauth_artifacts_client_id ON oauth_artifacts (client_id);
    CREATE INDEX oauth_artifacts_expires_at ON oauth_artifacts (expires_at);

    CREATE TABLE oauth_keys (
      kid TEXT PRIMARY KEY,
      use TEXT NOT NULL,
      key TEXT NOT NULL,
      created_at BIGINT NOT NULL
    );
  `,
};
