import { accountsMigration } from './001-accounts.ts';
import type { Migration } from './migration.ts';

export type { Migration } from './migration.ts';

/** Every migration, in the order they apply. */
export const migrations: readonly Migration[] = [accountsMigration];
