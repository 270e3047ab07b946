import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/index.ts';
import type { Storage } from '../storage/index.ts';
import { workspaceUrl } from '../workspaces/index.ts';
import { createAccountsService } from './accounts/index.ts';
import { createAuthenticate } from './authenticate.ts';
import { createOAuth } from './oauth/index.ts';
import type { Principal } from './principal.ts';
import {
  createLoginThrottle,
  createMemoryThrottleStore,
  createRedisThrottleStore,
  createSessionsService,
  type ThrottleStore,
} from './sessions/index.ts';
import { createTokensService } from './tokens/index.ts';

export { authErrors } from './errors.ts';
export type { Principal } from './principal.ts';

/** Cookie names: with https, the `__Host-` prefix pins them to this host, path `/` and Secure. */
export function cookieNames(publicUrl: string) {
  const secure = publicUrl.startsWith('https:');
  const prefix = secure ? '__Host-' : '';
  return { secure, prefix, session: `${prefix}weft_session`, loginCsrf: `${prefix}weft_login` };
}

/** Login counts in Redis when REDIS_URL is set (shared by every instance), else in process. */
function throttleStore(config: Config, clock: Clock, onFallback: (error: Error) => void): ThrottleStore {
  const memory = createMemoryThrottleStore(clock);
  if (!config.redisUrl) return memory;
  return createRedisThrottleStore({
    url: config.redisUrl,
    timeoutMs: Math.max(config.rateLimitRedisTimeoutMs, 200),
    fallback: memory,
    onFallback,
  });
}

/** The authentication feature, wired from config and storage. */
export function createAuth({
  config,
  storage,
  clock,
  onThrottleFallback = () => {},
  onOAuthError,
}: {
  config: Config;
  storage: Storage;
  clock: Clock;
  /** Told once when Redis stops answering and login attempts are counted in process. */
  onThrottleFallback?: (error: Error) => void;
  /** Told of every OAuth protocol error with the cause the client is not shown (for the log). */
  onOAuthError?: (error: Error & { error_detail?: string }, event: string) => void;
}) {
  const accounts = createAccountsService({ storage, clock });
  const tokens = createTokensService({ storage, clock, limit: config.tokenLimit });
  const cookies = cookieNames(config.publicUrl);
  const throttle = createLoginThrottle({ store: throttleStore(config, clock, onThrottleFallback) });
  const sessions = createSessionsService({
    storage,
    clock,
    timeouts: { idleMs: config.sessionIdleTimeout * 1000, absoluteMs: config.sessionAbsoluteTimeout * 1000 },
    throttle,
    cookiePrefix: cookies.prefix,
    workspaceUrl: (slug) => workspaceUrl(slug, config),
  });
  const oauth = createOAuth({ config, storage, clock, ...(onOAuthError ? { onError: onOAuthError } : {}) });
  const authenticate = createAuthenticate({
    tokens,
    accessTokens: oauth.accessTokens,
    sessions,
    cookies,
    publicUrl: config.publicUrl,
    workspaceOf: async (id) => {
      const workspace = await storage.getWorkspaceById(id);
      return workspace && { slug: workspace.slug, url: workspaceUrl(workspace.slug, config) };
    },
  });
  /**
   * Hook for API routes: sets `request.principal` or answers 401/403. Runs after workspace resolution.
   * Callback-style, so that a token verified since the last write passes without a promise.
   */
  function requireAuth(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) {
    let result: Principal | Promise<Principal>;
    try {
      result = authenticate(request);
    } catch (error) {
      return done(error as Error);
    }
    if (!(result instanceof Promise)) {
      request.principal = result;
      return done();
    }
    result.then((principal) => {
      request.principal = principal;
      done();
    }, done);
  }
  return {
    accounts,
    tokens,
    sessions,
    oauth,
    cookies,
    authenticate,
    requireAuth,
    config,
    close: () => throttle.close(),
  };
}

export type Auth = ReturnType<typeof createAuth>;
export type { AccountsService } from './accounts/index.ts';
export { accountErrors, formatUser } from './accounts/index.ts';
export type { OAuth } from './oauth/index.ts';
export { formatClient, oauthErrors, oauthRoutes, rotateSigningKey, SCOPE_MEANINGS } from './oauth/index.ts';
export { DEVICE_COOKIE_MAX_AGE_S, sessionErrors } from './sessions/index.ts';
export type { TokensService } from './tokens/index.ts';
export { formatToken, tokenErrors, tokenRoutes } from './tokens/index.ts';
