export type {
  Account,
  ApiToken,
  CredentialOwner,
  OAuthArtifact,
  OAuthAuthorization,
  OAuthBearer,
  OAuthClient,
  OAuthKey,
  RelationStorage,
  Repositories,
  Role,
  SchemaField,
  SchemaType,
  Session,
  Storage,
  TokenUser,
  Workspace,
  WorkspaceUser,
} from './contract.ts';
export { normalizeEmail, ROLES } from './contract.ts';
export { creationOrderIndex, migrations } from './migrations/index.ts';
export {
  describeDatabaseUrl,
  openStorage,
  type StorageOptions,
  StorageUnavailableError,
  sqlitePath,
} from './open-storage.ts';
export { createPostgresDriver } from './postgres/postgres-driver.ts';
export type {
  Dialect,
  SqlDriver,
  SqlExecutor,
  SqlScope,
  SqlValue,
  TransactionOptions,
} from './sql-driver.ts';
export { DatabaseBusyError } from './sql-driver.ts';
export { createSqlStorage } from './sql-storage.ts';
export { createSqliteDriver } from './sqlite/sqlite-driver.ts';
export { createVersionedCache, type VersionedCache } from './versioned-cache.ts';
