import { accountsMigration } from './001-accounts.ts';
import { sessionsAndTokensMigration } from './002-sessions-and-tokens.ts';
import { schemaMigration } from './003-schema.ts';
import { relationsMigration } from './004-relations.ts';
import { workspaceRateLimitMigration } from './005-workspace-rate-limit.ts';
import { idOrderIndexMigration } from './006-id-order-index.ts';
import { unicodeLowerMigration } from './007-unicode-lower.ts';
import { creationOrderIndexMigration } from './008-creation-order-index.ts';
import { oauthMigration } from './009-oauth.ts';
import type { Migration } from './migration.ts';

export type { Migration } from './migration.ts';

/** Every migration, in the order they apply. */
export const migrations: readonly Migration[] = [
  accountsMigration,
  sessionsAndTokensMigration,
  schemaMigration,
  relationsMigration,
  workspaceRateLimitMigration,
  idOrderIndexMigration,
  unicodeLowerMigration,
  creationOrderIndexMigration,
  oauthMigration,
];
