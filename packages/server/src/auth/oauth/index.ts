import { createHmac } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config/index.ts';
import type { Storage } from '../../storage/index.ts';
import { createAccessTokenVerifier } from './access-tokens.ts';
import { createClientsService } from './clients.ts';
import { keysVersion, loadKeys } from './keys.ts';

export { type AccessTokenVerifier, createAccessTokenVerifier } from './access-tokens.ts';
export { checkRedirectUri, formatClient } from './clients.ts';
export { oauthErrors } from './errors.ts';
export { rotateSigningKey } from './keys.ts';
export { SCOPE_MEANINGS } from './pages.ts';
export { interactionPath, OAUTH_ROUTES } from './paths.ts';
export { oauthRoutes } from './routes.ts';

/**
 * The OAuth feature: the provider (rebuilt when another process adds a key, so `weft keys rotate`
 * applies without a restart), the apps, and the Bearer check.
 */
export function createOAuth({
  config,
  storage,
  clock,
  onError,
}: {
  config: Config;
  storage: Storage;
  clock: Clock;
  onError?: (error: Error & { error_detail?: string }, event: string) => void;
}) {
  let current: Promise<{ provider: Provider; version: string; cookieKey: string }> | null = null;
  let currentVersion: string | null = null;

  async function build() {
    // Loaded on the first OAuth request: the CLI and API-only processes never pay for it.
    const { createProvider } = await import('./provider.ts');
    const keys = await loadKeys(storage, config.secretKey, clock.now());
    const provider = createProvider({ options: config, storage, keys, ...(onError ? { onError } : {}) });
    currentVersion = keys.version;
    return { provider, version: keys.version, cookieKey: keys.cookie[0]! };
  }

  /** The provider for the keys stored now: one small read per OAuth request, none on the API. */
  async function provider() {
    if (current) {
      const version = keysVersion(await storage.listOAuthKeys());
      if (version !== currentVersion) current = null;
    }
    if (!current) {
      current = build();
      current.catch(() => {
        current = null;
      });
    }
    return current;
  }

  return {
    provider,
    /** Makes the keys if there are none yet, and checks they can be read (WEFT_SECRET_KEY). */
    keys: () => loadKeys(storage, config.secretKey, clock.now()),
    clients: createClientsService({ storage, clock }),
    accessTokens: createAccessTokenVerifier({ storage, clock }),
    /** The CSRF token of an interaction's forms: bound to its uid, which its cookie binds to the browser. */
    async csrfFor(uid: string) {
      const { cookieKey } = await provider();
      return createHmac('sha256', cookieKey).update(`interaction:${uid}`).digest('base64url');
    },
  };
}

export type OAuth = ReturnType<typeof createOAuth>;
export type { VerifiedAccessToken } from './access-tokens.ts';
