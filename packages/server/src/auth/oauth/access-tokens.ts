/**
 * The Bearer check of the API: an OAuth access token acts like an API token of the account's user in
 * the workspace it is sent to. Hand-written rather than the provider's own check (which serves
 * `/userinfo`) because it runs on every API request: one indexed statement reads the token, its
 * grant (deleted on revocation and on refresh-token reuse), its app and the account's user in this
 * workspace, cached exactly as API tokens are (until anything is written, see versioned-cache.ts).
 */
import { hash } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { OAuthBearer, Storage, TokenUser, Workspace } from '../../storage/index.ts';
import { createVersionedCache } from '../../storage/index.ts';
import { authErrors } from '../errors.ts';

/** `last_used_at` of a grant is written at most this often. */
const LAST_USED_PRECISION_MS = 60_000;

export interface VerifiedAccessToken {
  user: TokenUser;
  grantId: string;
  clientId: string;
}

const invalid = (why: string) => authErrors.ACCESS_TOKEN_INVALID(`The OAuth access token ${why}.`);

export function createAccessTokenVerifier({ storage, clock }: { storage: Storage; clock: Clock }) {
  const cache = createVersionedCache<OAuthBearer>();

  function check(found: OAuthBearer, workspace: Workspace): VerifiedAccessToken {
    const now = clock.now();
    const exp = typeof found.payload.exp === 'number' ? found.payload.exp * 1000 : found.expiresAt;
    if (exp !== null && exp <= now) throw invalid('has expired');
    if (found.grantExpiresAt !== null && found.grantExpiresAt <= now) throw invalid('has expired');
    if (!found.user || found.user.workspaceId !== workspace.id) {
      throw invalid(`is not valid for workspace "${workspace.slug}": its user is not a member of it`);
    }
    if (!found.user.active) throw authErrors.USER_DEACTIVATED('The user of this credential is deactivated.');
    if (found.grantLastUsedAt === null || now - found.grantLastUsedAt >= LAST_USED_PRECISION_MS) {
      found.grantLastUsedAt = now;
      storage.touchOAuthGrant(found.grantId, now).catch(() => {});
    }
    return { user: found.user, grantId: found.grantId, clientId: found.clientId };
  }

  return {
    /** Synchronous when cached; throws ACCESS_TOKEN_INVALID (401) for anything but a live token. */
    verify(value: string, workspace: Workspace): VerifiedAccessToken | Promise<VerifiedAccessToken> {
      const idHash = hash('sha256', value, 'base64url');
      const key = `${workspace.id}:${idHash}`;
      const version = storage.dataVersion();
      const cached = cache.get(version, key);
      if (cached) return check(cached, workspace);
      if (value.length > 512) throw invalid('is not one Weft issued');
      return storage.findOAuthBearer(idHash, workspace.id).then((found) => {
        if (!found) throw invalid('is unknown, expired or revoked');
        cache.set(version, key, found);
        return check(found, workspace);
      });
    },
  };
}

export type AccessTokenVerifier = ReturnType<typeof createAccessTokenVerifier>;
