/**
 * The storage contract: everything the features persist, as plain records. Implemented once over
 * `SqlDriver` (SQLite and PostgreSQL); the contract tests run against both.
 */
import type { OAuthRepository } from './contract-oauth.ts';
import type { Dialect, SqlScope, SqlValue, TransactionOptions } from './sql-driver.ts';

export const ROLES = ['admin', 'member', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export interface Workspace {
  id: string;
  slug: string;
  name: string;
  createdAt: number;
  /** Requests per rate-limit window for the whole workspace; null: the server's option. */
  rateLimit?: number | null;
}

export interface Account {
  id: string;
  email: string;
  name: string;
  passwordHash: string | null;
  passwordChangedAt: number | null;
  createdAt: number;
}

/** An account's membership of a workspace; its `id` is the `fibery/id` of the `fibery/user`. */
export interface WorkspaceUser {
  id: string;
  publicId: number;
  workspaceId: string;
  accountId: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface AccountRepository {
  /** Resolves null when the slug is taken. */
  createWorkspace(workspace: Workspace): Promise<Workspace | null>;
  getWorkspaceBySlug(slug: string): Promise<Workspace | null>;
  getWorkspaceById(id: string): Promise<Workspace | null>;
  /** The workspaces the account is an active member of, by slug. */
  listAccountWorkspaces(accountId: string): Promise<Workspace[]>;
  listWorkspaces(): Promise<Workspace[]>;
  /** Sets (or, with null, clears) the workspace's own rate limit. */
  setWorkspaceRateLimit(workspaceId: string, limit: number | null): Promise<void>;

  /** Resolves null when an account has this email, compared case-insensitively. */
  createAccount(account: Account): Promise<Account | null>;
  getAccountByEmail(email: string): Promise<Account | null>;
  getAccountById(id: string): Promise<Account | null>;
  updateAccountPassword(accountId: string, passwordHash: string, at: number): Promise<void>;

  /** Gives the user the workspace's next public id. Resolves null when the account is a member already. */
  createWorkspaceUser(user: {
    id: string;
    workspaceId: string;
    accountId: string;
    role: Role;
    at: number;
  }): Promise<WorkspaceUser | null>;
  getWorkspaceUser(workspaceId: string, userId: string): Promise<WorkspaceUser | null>;
  getWorkspaceUserByEmail(workspaceId: string, email: string): Promise<WorkspaceUser | null>;
  listWorkspaceUsers(workspaceId: string): Promise<WorkspaceUser[]>;
  /** Resolves the updated user, or null when there is none. */
  updateWorkspaceUser(
    workspaceId: string,
    userId: string,
    changes: { role?: Role; active?: boolean },
    at: number,
  ): Promise<WorkspaceUser | null>;
}

export interface ApiToken {
  id: string;
  workspaceUserId: string;
  /** The prefix and first and last characters, for lists. */
  display: string;
  description: string | null;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface Session {
  id: string;
  workspaceUserId: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/** What a token request needs of its user, read with the token in one statement. */
export interface TokenUser {
  id: string;
  workspaceId: string;
  accountId: string;
  publicId: number;
  role: Role;
  active: boolean;
}

/** Who a session acts for, read in the same lookup as the session. */
export interface CredentialOwner {
  user: WorkspaceUser;
  /** When the account's password last changed: a session older than that has ended. */
  passwordChangedAt: number | null;
}

export interface TokenRepository {
  /**
   * Inserts the token unless its user has `limit` tokens already (then resolves null). Call it inside
   * a transaction: it locks the user's row so that concurrent calls count one after another.
   */
  createApiTokenWithinLimit(
    token: ApiToken & { secretHash: string },
    limit: number,
  ): Promise<ApiToken | null>;
  listApiTokens(workspaceUserId: string): Promise<ApiToken[]>;
  /** Resolves whether a token of this user with this id was deleted. */
  deleteApiToken(workspaceUserId: string, tokenId: string): Promise<boolean>;
  /** The ids of the workspace's tokens shown as `display` (the CLI's `token delete weft_Ab…yz`). */
  findWorkspaceApiTokenIds(workspaceId: string, display: string): Promise<string[]>;
  /** Deletes a token of any user of the workspace (the CLI's `token delete`). */
  deleteWorkspaceApiToken(workspaceId: string, tokenId: string): Promise<boolean>;
  findApiTokenBySecretHash(secretHash: string): Promise<{ token: ApiToken; user: TokenUser } | null>;
  touchApiToken(tokenId: string, at: number): Promise<void>;
}

export interface SessionRepository {
  createSession(session: Session & { secretHash: string }): Promise<Session>;
  findSessionBySecretHash(secretHash: string): Promise<{ session: Session; owner: CredentialOwner } | null>;
  touchSession(sessionId: string, at: number): Promise<void>;
  deleteSession(sessionId: string): Promise<void>;
  /** Removes sessions past their absolute expiry or idle since before `idleSince`. */
  deleteExpiredSessions(now: number, idleSince: number): Promise<number>;
}

export interface QueryRepository {
  /**
   * Rows of a statement built by the query compiler. Its text comes only from the compiler's type
   * model; every value is in `params`.
   */
  queryRows(sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
}

export interface SchemaField {
  id: string;
  name: string;
  fiberyType: string;
  /** Generated column of the type's table ('' for a relation side stored elsewhere). */
  columnName: string;
  meta: Record<string, unknown>;
  /** How a relation field is stored; null for primitive fields. */
  storage: RelationStorage | null;
}

/**
 * Where a relation side's links live. `column`: the holder's column `columnName` holds the related
 * id (a to-one side). `reverse`: the partner field's column, in the related table, holds this
 * entity's id. `join`: rows of a join table, this entity's id in `self`, the related one in `other`.
 */
export type RelationStorage =
  | { kind: 'column' }
  | { kind: 'reverse'; field: string }
  | { kind: 'join'; table: string; self: string; other: string };

export interface SchemaType {
  id: string;
  name: string;
  /** Generated table holding its entities. */
  tableName: string;
  meta: Record<string, unknown>;
  fields: SchemaField[];
}

export interface SchemaRepository {
  /** The workspace's domain types and fields, and its schema version (1 with none). */
  getSchema(workspaceId: string): Promise<{ version: number; types: SchemaType[] }>;
  /** The workspace's schema version alone: it moves with every schema change. */
  getSchemaVersion(workspaceId: string): Promise<number>;
  createSchemaType(workspaceId: string, type: Omit<SchemaType, 'fields'>, at: number): Promise<void>;
  createSchemaField(typeId: string, field: SchemaField, position: number): Promise<void>;
  updateSchemaType(typeId: string, patch: { name?: string; meta?: Record<string, unknown> }): Promise<void>;
  deleteSchemaType(typeId: string): Promise<void>;
  updateSchemaField(
    fieldId: string,
    patch: {
      name?: string;
      meta?: Record<string, unknown>;
      storage?: RelationStorage;
      columnName?: string;
      fiberyType?: string;
    },
  ): Promise<void>;
  deleteSchemaField(fieldId: string): Promise<void>;
  bumpSchemaVersion(workspaceId: string): Promise<void>;
  /** The type's next `fibery/public-id`; call it inside the transaction that inserts the entity. */
  nextPublicId(typeId: string): Promise<number>;
  /** Runs a statement built by the commands compiler (identifiers generated, values bound). */
  runStatement(sql: string, params: readonly SqlValue[]): Promise<number>;
  /** Runs DDL built by the schema commands from generated identifiers only. */
  execDdl(sql: string): Promise<void>;
}

export type {
  OAuthArtifact,
  OAuthAuthorization,
  OAuthBearer,
  OAuthClient,
  OAuthKey,
  OAuthRepository,
} from './contract-oauth.ts';

export type Repositories = AccountRepository &
  OAuthRepository &
  TokenRepository &
  SessionRepository &
  QueryRepository &
  SchemaRepository;

export interface Storage extends Repositories {
  readonly dialect: Dialect;
  /** Runs `work` in one transaction over the same repositories: all of it or nothing. */
  transaction<T>(work: (tx: Repositories) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * The same storage, its statements done for `scope`: they take turns with other workspaces' and
   * stop when the scope says so (see SqlScope).
   */
  scoped(scope: SqlScope): Storage;
  /** Applies pending migrations; resolves with the ids applied by this call. */
  migrate(): Promise<string[]>;
  /**
   * Changes whenever anything is written, by this process or another; null where the database offers
   * no cheap signal (PostgreSQL), and then nothing may be cached.
   */
  dataVersion(): string | null;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Email as compared for uniqueness. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
