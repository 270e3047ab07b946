import type { Migration } from './migration.ts';

/** A workspace's own rate limit (requests per window for the whole workspace); NULL: the server's option. */
export const workspaceRateLimitMigration: Migration = {
  id: '005-workspace-rate-limit',
  sql: 'ALTER TABLE workspaces ADD COLUMN rate_limit BIGINT;',
};
