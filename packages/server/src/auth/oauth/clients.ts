/**
 * Apps, registered by an administrator (`weft client …`): never self-service. A confidential app gets
 * a client secret, random, shown once and stored as SHA-256; a public app (a native or browser app
 * that cannot keep a secret) gets none and must use PKCE. Redirect URIs are matched exactly; they must
 * be https, or http on loopback for development.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { randomBase62, sha256Hex } from '../../security/index.ts';
import type { OAuthClient, Storage } from '../../storage/index.ts';
import { isPrintableText } from '../accounts/index.ts';
import { oauthErrors } from './errors.ts';
import { revokeGrant } from './grants.ts';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The redirect URI as registered, or throws OAUTH_REDIRECT_URI_INVALID saying what is wrong. */
export function checkRedirectUri(raw: string): string {
  const bad = (why: string) => oauthErrors.OAUTH_REDIRECT_URI_INVALID(`Redirect URI "${raw}" ${why}.`);
  if (raw.includes('#')) throw bad('has a fragment (#), which OAuth forbids');
  if (raw.includes('*')) throw bad('has a wildcard; register every URI exactly');
  if (!URL.canParse(raw)) throw bad('is not an absolute URI');
  const url = new URL(raw);
  if (url.username || url.password) throw bad('has userinfo (user@)');
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw bad('must be https (http only on 127.0.0.1, [::1] or localhost)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad('must be https');
  if (raw.length > 2000) throw bad('is longer than 2,000 characters');
  return raw;
}

function checkName(name: string): string {
  const value = name.trim();
  if (value.length === 0 || !isPrintableText(value, 100)) {
    throw oauthErrors.OAUTH_CLIENT_NAME_INVALID('An app name is 1 to 100 printable characters.');
  }
  return value;
}

const mintSecret = () => randomBase62(43);

export function createClientsService({ storage, clock }: { storage: Storage; clock: Clock }) {
  async function get(id: string): Promise<OAuthClient> {
    const client = /^[0-9a-f-]{36}$/.test(id) ? await storage.getOAuthClient(id) : null;
    if (!client) throw oauthErrors.OAUTH_CLIENT_NOT_FOUND(`No app has client_id ${id}.`);
    return client;
  }

  return {
    /** Resolves with the app and its secret (null for a public app), which is never shown again. */
    async create({
      name,
      redirectUris,
      isPublic = false,
    }: {
      name: string;
      redirectUris: string[];
      isPublic?: boolean;
    }) {
      if (redirectUris.length === 0) {
        throw oauthErrors.OAUTH_REDIRECT_URI_INVALID('An app needs at least one redirect URI.');
      }
      const secret = isPublic ? null : mintSecret();
      const client: OAuthClient = {
        id: randomUUID(),
        name: checkName(name),
        secretHash: secret === null ? null : sha256Hex(secret),
        redirectUris: [...new Set(redirectUris.map(checkRedirectUri))],
        createdAt: clock.now(),
      };
      await storage.createOAuthClient(client);
      return { client, secret };
    },

    list: () => storage.listOAuthClients(),
    get,

    /** Deletes the app, and with it every grant, code and token it holds. */
    async delete(id: string) {
      await get(id);
      await storage.transaction((tx) => tx.deleteOAuthClient(id));
    },

    /** A new secret for a confidential app; the old one stops working at once. */
    async rotateSecret(id: string) {
      const client = await get(id);
      if (client.secretHash === null) {
        throw oauthErrors.OAUTH_CLIENT_NOT_FOUND(`App ${id} is public: it has no secret to rotate.`);
      }
      const secret = mintSecret();
      await storage.setOAuthClientSecret(id, sha256Hex(secret));
      return { client, secret };
    },

    /** The apps an account has allowed (the Authorized apps page). */
    authorizations: (accountId: string) => storage.listOAuthAuthorizations(accountId, clock.now()),

    /** Revokes everything an app holds for an account; resolves whether it held anything. */
    async revokeAuthorization(accountId: string, clientId: string) {
      return (await storage.transaction((tx) => tx.revokeOAuthAuthorization(accountId, clientId))) > 0;
    },

    revokeGrant: (grantId: string) => revokeGrant(storage, grantId),
  };
}

export type ClientsService = ReturnType<typeof createClientsService>;

/** An app as `weft client list` shows it: never a secret. */
export function formatClient(client: OAuthClient) {
  return {
    client_id: client.id,
    name: client.name,
    type: client.secretHash === null ? 'public' : 'confidential',
    redirect_uris: client.redirectUris,
    created_at: new Date(client.createdAt).toISOString(),
  };
}
