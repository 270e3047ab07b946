/**
 * The storage adapter of `oidc-provider`: every object it keeps (codes, tokens, grants, sessions,
 * interactions) in the `oauth_artifacts` table of Weft's own database, SQLite or PostgreSQL, and the
 * apps from `oauth_clients`. Hand-written because the provider ships only an in-memory adapter, and
 * because three properties are ours to guarantee:
 *
 * - ids are stored as SHA-256 only: an opaque code or token *is* its id, so a copy of the database
 *   must not hold them;
 * - `consume` is one conditional UPDATE: of two parallel redemptions of a code or refresh token,
 *   exactly one wins, and the other is refused and revokes the grant, as a replay does;
 * - rows past their expiry are never returned and are swept as new ones are written.
 */
import { hash } from 'node:crypto';
import { type AdapterPayload, errors } from 'oidc-provider';
import type { OAuthClient, Storage } from '../../storage/index.ts';
import { revokeGrant } from './grants.ts';

/**
 * The models whose id is a bearer secret (the opaque value the app holds): their payload is stored
 * without its `jti` (the id again), which is put back from the id the provider asks with.
 */
const SECRET_IDS = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken']);
/** Expired rows are deleted at most this often. */
const SWEEP_EVERY_MS = 60_000;

export const hashId = (id: string) => hash('sha256', id, 'base64url');

/** An app as the provider reads it. */
export function clientMetadata(client: OAuthClient): AdapterPayload {
  return {
    client_id: client.id,
    client_name: client.name,
    redirect_uris: client.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'] as const,
    ...(client.secretHash === null
      ? { token_endpoint_auth_method: 'none' }
      : // The hash stands in for the secret: compareClientSecret is patched to hash what it is given.
        { token_endpoint_auth_method: 'client_secret_basic', client_secret: client.secretHash }),
  };
}

type Payload = AdapterPayload;

export function createAdapter(storage: Storage, now: () => number = Date.now) {
  let lastSweep = 0;
  /** At most once a minute, a write first deletes the expired rows (a failure only postpones it). */
  const sweep = async () => {
    const at = now();
    if (at - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = at;
    await storage.deleteExpiredOAuthArtifacts(at).catch(() => {});
  };

  return class WeftAdapter {
    readonly model: string;
    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number) {
      await sweep();
      const fields = { ...(payload as Record<string, unknown>) };
      if (SECRET_IDS.has(this.model)) delete fields.jti;
      const text = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : null);
      await storage.upsertOAuthArtifact({
        model: this.model,
        idHash: hashId(id),
        payload: fields,
        grantId: this.model === 'Grant' ? id : text('grantId'),
        accountId: text('accountId'),
        clientId: text('clientId'),
        uid: text('uid'),
        expiresAt: typeof expiresIn === 'number' ? now() + expiresIn * 1000 : null,
        consumedAt: null,
      });
    }

    async find(id: string) {
      if (this.model === 'Client') {
        const client = await storage.getOAuthClient(id);
        return client ? clientMetadata(client) : undefined;
      }
      const row = await storage.findOAuthArtifact(this.model, hashId(id), now());
      if (!row) return undefined;
      const payload = (
        SECRET_IDS.has(this.model) ? { ...row.payload, jti: id } : row.payload
      ) as AdapterPayload;
      return row.consumedAt === null ? payload : { ...payload, consumed: Math.floor(row.consumedAt / 1000) };
    }

    async findByUid(uid: string) {
      const row = await storage.findOAuthArtifactByUid(this.model, uid, now());
      return row?.payload as AdapterPayload | undefined;
    }

    async findByUserCode() {
      return undefined;
    }

    async consume(id: string) {
      const idHash = hashId(id);
      if (await storage.consumeOAuthArtifact(this.model, idHash, now())) return;
      // Another request consumed it between the provider's find and this call: treat it as a replay.
      const row = await storage.findOAuthArtifact(this.model, idHash, now());
      if (row?.grantId) await revokeGrant(storage, row.grantId);
      throw new errors.InvalidGrant(
        `${this.model === 'RefreshToken' ? 'refresh token' : 'authorization code'} already used`,
      );
    }

    async destroy(id: string) {
      await storage.deleteOAuthArtifact(this.model, hashId(id));
    }

    async revokeByGrantId(grantId: string) {
      await storage.deleteOAuthArtifactsOfGrant(this.model, grantId);
    }
  };
}
