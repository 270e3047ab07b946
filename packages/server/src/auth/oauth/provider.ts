/**
 * The OAuth 2.0 and OpenID Connect authorization server: `oidc-provider` (OpenID Certified), configured
 * to Fibery's contract and nothing more. RFC 6749's authorization code grant at `/oauth2/auth` and
 * `/oauth2/token`; scope `openid` gives an ID token, `offline` (or the standard `offline_access`) a
 * refresh token that rotates on every use, whose reuse revokes the grant; PKCE S256, required from
 * public apps (and from all with WEFT_OAUTH_REQUIRE_PKCE); `iss` in every authorization response (RFC
 * 9207); revocation (RFC 7009) and introspection (RFC 7662). Implicit, hybrid, device, PAR, DPoP,
 * dynamic registration and the provider's development pages are off, so discovery lists only this.
 */
import type { JsonWebKey } from 'node:crypto';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../../config/index.ts';
import { constantTimeEqual, sha256Hex } from '../../security/index.ts';
import type { Storage } from '../../storage/index.ts';
import { createAdapter } from './adapter.ts';
import type { OAuthKeys } from './keys.ts';
import { renderOAuthError } from './pages.ts';
import { interactionPath, OAUTH_ROUTES } from './paths.ts';

const hasOffline = (scopes: Set<string>) => scopes.has('offline') || scopes.has('offline_access');

export type OAuthOptions = Pick<
  Config,
  | 'issuer'
  | 'trustProxy'
  | 'oauthCodeTtl'
  | 'oauthAccessTokenTtl'
  | 'oauthRefreshTokenIdleTtl'
  | 'oauthRefreshTokenAbsoluteTtl'
  | 'oauthRequirePkce'
>;

/** What the provider does beyond the code flow: revocation, introspection, userinfo; nothing else. */
const FEATURES: Configuration['features'] = {
  devInteractions: { enabled: false },
  revocation: {
    enabled: true,
    // An app revokes only its own tokens.
    allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
  },
  introspection: {
    enabled: true,
    // Confidential apps only, and only about their own tokens.
    allowedPolicy: async (_ctx, client, token) =>
      client.clientAuthMethod !== 'none' && token.clientId === client.clientId,
  },
  userinfo: { enabled: true },
  dPoP: { enabled: false },
  pushedAuthorizationRequests: { enabled: false },
  rpInitiatedLogout: { enabled: false },
  resourceIndicators: { enabled: false },
  registration: { enabled: false },
  deviceFlow: { enabled: false },
};

/** The provider's events that carry a protocol error. */
const COOKIE = { httpOnly: true, sameSite: 'lax', signed: true } as const;

const ERROR_EVENTS = [
  'grant.error',
  'authorization.error',
  'introspection.error',
  'revocation.error',
  'userinfo.error',
  'server_error',
];

export function createProvider({
  options,
  storage,
  keys,
  onError,
}: {
  options: OAuthOptions;
  storage: Storage;
  keys: OAuthKeys;
  /** Told of every protocol error, with the cause the client is not shown (for the log). */
  onError?: (error: Error & { error_detail?: string }, event: string) => void;
}): Provider {
  const configuration: Configuration = {
    adapter: createAdapter(storage),
    clients: [],
    routes: OAUTH_ROUTES,
    scopes: ['openid', 'offline', 'offline_access'],
    // auth_time as a claim of openid: every ID token carries the time of the login.
    claims: { openid: ['sub', 'name', 'email', 'auth_time'] },
    // The ID token carries the user's name and email, not only userinfo.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    findAccount: accountFinder(storage),
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && hasOffline(code.scopes),
    expiresWithSession: async (_ctx, code) => !hasOffline(code.scopes),
    rotateRefreshToken: true,
    pkce: {
      required: (_ctx, client) => options.oauthRequirePkce || client.clientAuthMethod === 'none',
    },
    ttl: lifetimes(options),
    // A consent given before (any session, any device) is found again, so the app is not asked twice.
    loadExistingGrant: existingGrantFinder(storage),
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid) },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderOAuthError(out).text;
    },
    cookies: { keys: keys.cookie, long: COOKIE, short: COOKIE },
    jwks: { keys: keys.signing as Required<Configuration>['jwks']['keys'] },
    features: FEATURES,
  };
  const provider = new Provider(options.issuer, configuration);
  provider.proxy = options.trustProxy;
  addSecurityHeaders(provider);
  compareHashedSecrets(provider);

  if (onError)
    for (const event of ERROR_EVENTS)
      (provider as unknown as NodeJS.EventEmitter).on(event, (_ctx: unknown, error: Error) =>
        onError(error, event),
      );
  return provider;
}

export type { JsonWebKey };

/** The user an OAuth grant is for, with the claims an ID token and userinfo carry. */
function accountFinder(storage: Storage): Configuration['findAccount'] {
  return async (_ctx, id) => {
    const account = await storage.getAccountById(id);
    if (!account) return undefined;
    return {
      accountId: account.id,
      claims: () => ({ sub: account.id, name: account.name, email: account.email }),
    };
  };
}

/** How long codes, tokens, grants, sessions and interactions live, in seconds. */
function lifetimes(options: OAuthOptions): Configuration['ttl'] {
  const absolute = options.oauthRefreshTokenAbsoluteTtl;
  return {
    AuthorizationCode: options.oauthCodeTtl,
    AccessToken: options.oauthAccessTokenTtl,
    IdToken: options.oauthAccessTokenTtl,
    // Idle: each refresh token lives this long; absolute: never past the grant's first token.
    RefreshToken(_ctx, token) {
      const started = (token as { iiat?: number }).iiat ?? Math.floor(Date.now() / 1000);
      const left = started + absolute - Math.floor(Date.now() / 1000);
      return Math.max(1, Math.min(options.oauthRefreshTokenIdleTtl, left));
    },
    Grant: absolute,
    Session: 14 * 24 * 3600,
    Interaction: 3600,
  };
}

/** The grant of a consent given before, in this session or any other, for the same app. */
function existingGrantFinder(storage: Storage) {
  return async (ctx: KoaContextWithOIDC) => {
    const { client, session, result } = ctx.oidc;
    if (!client || !session?.accountId) return undefined;
    const grantId =
      (result?.consent as { grantId?: string } | undefined)?.grantId ?? session.grantIdFor(client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const [latest] = (await storage.listOAuthAuthorizations(session.accountId, Date.now()))
      .filter((a) => a.clientId === client.clientId)
      .flatMap((a) => a.grants)
      .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
    const jti = latest?.payload.jti;
    return typeof jti === 'string' ? ctx.oidc.provider.Grant.find(jti) : undefined;
  };
}

/** The provider answers outside Fastify, so the security headers of Weft's pages are set here too. */
function addSecurityHeaders(provider: Provider) {
  provider.use(async (ctx, next) => {
    await next();
    ctx.set('referrer-policy', 'no-referrer');
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('x-frame-options', 'DENY');
    if (ctx.response.is('html')) {
      ctx.set(
        'content-security-policy',
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
      );
    }
  });
}

/** Weft stores the SHA-256 of a client secret, never the secret: compare what the app sends, hashed. */
function compareHashedSecrets(provider: Provider) {
  provider.Client.prototype.compareClientSecret = function compareClientSecret(
    this: { clientSecret?: string },
    actual: string,
  ) {
    return Promise.resolve(
      typeof actual === 'string' && constantTimeEqual(sha256Hex(actual), this.clientSecret ?? ''),
    );
  };
}
