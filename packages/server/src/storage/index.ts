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
export { type ListElementType, type SqlDialect, sqlDialect } from './dialects/index.ts';
export { migrations } from './migrations/index.ts';
export {
  describeDatabaseUrl,
  openStorage,
  type StorageOptions,
  StorageUnavailableError,
  sqlitePath,
} from './open-storage.ts';
export { createPostgresDriver } from './postgres/index.ts';
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
export { createSqliteDriver } from './sqlite/index.ts';
export { createVersionedCache, type VersionedCache } from './versioned-cache.ts';
