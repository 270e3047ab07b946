/** What the OAuth authorization server stores: apps, its artifacts, the keys it signs with. */
import type { TokenUser } from './contract.ts';

/** An app registered by an administrator to use OAuth 2.0. */
export interface OAuthClient {
  id: string;
  name: string;
  /** SHA-256 of the client secret; null for a public app (PKCE instead of a secret). */
  secretHash: string | null;
  redirectUris: string[];
  createdAt: number;
}

/** One object the authorization server keeps: a code, a token, a grant, a session, an interaction. */
export interface OAuthArtifact {
  model: string;
  /** SHA-256 of the object's id: a code or token value is never stored. */
  idHash: string;
  payload: Record<string, unknown>;
  grantId: string | null;
  accountId: string | null;
  clientId: string | null;
  uid: string | null;
  /** Epoch ms; null: kept until deleted. */
  expiresAt: number | null;
  consumedAt: number | null;
}

/** An app an account has allowed, for the Authorized apps page (its grants taken together). */
export interface OAuthAuthorization {
  clientId: string;
  clientName: string;
  /** Every scope granted, space-separated payloads merged. */
  grants: { payload: Record<string, unknown>; createdAt: number | null; lastUsedAt: number | null }[];
}

/** What the Bearer check needs of an access token, read in one statement. */
export interface OAuthBearer {
  payload: Record<string, unknown>;
  expiresAt: number | null;
  grantId: string;
  clientId: string;
  grantExpiresAt: number | null;
  grantLastUsedAt: number | null;
  /** The account's user in the workspace asked about; null when it is not a member. */
  user: TokenUser | null;
}

export interface OAuthKey {
  kid: string;
  use: 'sig' | 'cookie';
  /** The key as stored: a JWK or a secret, encrypted when the server has a secret key. */
  key: string;
  createdAt: number;
}

export interface OAuthRepository {
  createOAuthClient(client: OAuthClient): Promise<void>;
  getOAuthClient(id: string): Promise<OAuthClient | null>;
  listOAuthClients(): Promise<OAuthClient[]>;
  /** Deletes the app and everything issued to it; resolves whether there was one. */
  deleteOAuthClient(id: string): Promise<boolean>;
  setOAuthClientSecret(id: string, secretHash: string): Promise<boolean>;

  upsertOAuthArtifact(artifact: OAuthArtifact): Promise<void>;
  /** The artifact, unless it has expired (`now` in epoch ms). */
  findOAuthArtifact(model: string, idHash: string, now: number): Promise<OAuthArtifact | null>;
  findOAuthArtifactByUid(model: string, uid: string, now: number): Promise<OAuthArtifact | null>;
  /** Marks it consumed unless it was already: resolves whether this call consumed it. Atomic. */
  consumeOAuthArtifact(model: string, idHash: string, at: number): Promise<boolean>;
  deleteOAuthArtifact(model: string, idHash: string): Promise<void>;
  deleteOAuthArtifactsOfGrant(model: string, grantId: string): Promise<void>;
  deleteExpiredOAuthArtifacts(now: number): Promise<number>;
  /** The apps an account has allowed, with their live grants. */
  listOAuthAuthorizations(accountId: string, now: number): Promise<OAuthAuthorization[]>;
  /** Deletes every grant, code and token of an app for an account; resolves how many grants. */
  revokeOAuthAuthorization(accountId: string, clientId: string): Promise<number>;
  touchOAuthGrant(grantId: string, at: number): Promise<void>;
  findOAuthBearer(idHash: string, workspaceId: string): Promise<OAuthBearer | null>;

  listOAuthKeys(): Promise<OAuthKey[]>;
  addOAuthKey(key: OAuthKey): Promise<void>;
}
