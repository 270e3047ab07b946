/**
 * OAuth 2.0 for an app, as RFC 6749 and RFC 9700 ask: the authorization URL with PKCE (S256), `state`
 * and `nonce`; the callback checked (`state`, RFC 9207 `iss`, `error`); the code exchanged; tokens
 * refreshed and revoked. Platform APIs only (WebCrypto, fetch), so it runs in browsers too.
 */
import { WeftHttpError } from './errors.ts';
import type { Credentials } from './transport.ts';

/**
 * Tokens from the token endpoint; `expiresAt` in ms since the epoch.
 *
 * @example
 * const tokens: OAuthTokens = await exchangeCode(app, { code, redirectUri, codeVerifier });
 */
export interface OAuthTokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  idToken?: string;
  scope?: string;
}

/**
 * An app's registration: its id, its secret for a confidential app, and the server's token endpoint.
 *
 * @example
 * const app: OAuthApp = { clientId: 'c_…', clientSecret: process.env.SECRET, tokenUrl: 'https://weft.example.com/oauth2/token' };
 */
export interface OAuthApp {
  clientId: string;
  clientSecret?: string;
  tokenUrl: string;
  fetch?: typeof fetch;
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/**
 * The URL to send the user to, and what to keep (in the session) until the callback.
 *
 * @example
 * const request = await createAuthorizationRequest({
 *   authorizationUrl: 'https://weft.example.com/oauth2/auth', clientId, redirectUri: 'https://app/callback',
 * });
 * session.oauth = request; redirect(request.url);
 */
export async function createAuthorizationRequest(options: {
  authorizationUrl: string;
  clientId: string;
  redirectUri: string;
  /** Default `openid offline`: who the user is, and a refresh token. */
  scope?: string;
}) {
  const state = randomText();
  const nonce = randomText();
  const codeVerifier = randomText();
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier))),
  );
  const url = new URL(options.authorizationUrl);
  for (const [key, value] of Object.entries({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: options.scope ?? 'openid offline',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }))
    url.searchParams.set(key, value);
  return { url: url.toString(), state, nonce, codeVerifier };
}

/**
 * The code of a callback, once it is checked: its `state` is the one sent, its `iss` (RFC 9207) the
 * server's when `issuer` is given, and it carries no `error`. Throws WeftHttpError otherwise.
 *
 * @example
 * const code = parseCallback(request.url, { state: session.oauth.state, issuer: 'https://weft.example.com' });
 */
export function parseCallback(callbackUrl: string, expected: { state: string; issuer?: string }): string {
  const params = new URL(callbackUrl).searchParams;
  const fail = (code: string, message: string) => new WeftHttpError(0, code, message);
  if (params.get('state') !== expected.state)
    throw fail(
      'OAUTH_STATE_MISMATCH',
      'The callback carries another state: it is not the answer to this request.',
    );
  if (expected.issuer !== undefined && params.get('iss') !== expected.issuer)
    throw fail(
      'OAUTH_ISSUER_MISMATCH',
      `The callback comes from ${params.get('iss') ?? 'no issuer'}, not ${expected.issuer}.`,
    );
  const error = params.get('error');
  if (error) throw fail(`OAUTH_${error.toUpperCase()}`, params.get('error_description') ?? error);
  const code = params.get('code');
  if (!code) throw fail('OAUTH_NO_CODE', 'The callback carries no code.');
  return code;
}

async function tokenRequest(app: OAuthApp, form: Record<string, string>, url = app.tokenUrl) {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  const body = new URLSearchParams(form);
  if (app.clientSecret)
    headers.authorization = `Basic ${btoa(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`)}`;
  else body.set('client_id', app.clientId);
  let response: Response;
  try {
    response = await (app.fetch ?? globalThis.fetch)(url, { method: 'POST', headers, body });
  } catch (error) {
    throw new WeftHttpError(
      0,
      'NETWORK_ERROR',
      `The token endpoint did not answer: ${(error as Error).message}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new WeftHttpError(response.status, 'INVALID_RESPONSE', 'The token endpoint did not answer JSON.');
  }
  if (!response.ok) {
    // RFC 6749 answers {error, error_description}; anything else (a 404 page) its own shape.
    const oauth = typeof json.error === 'string';
    const other = json.error as { code?: string; message?: string } | undefined;
    throw new WeftHttpError(
      response.status,
      oauth ? `OAUTH_${String(json.error).toUpperCase()}` : (other?.code ?? `HTTP_${response.status}`),
      String((oauth ? (json.error_description ?? json.error) : other?.message) ?? `HTTP ${response.status}`),
      response.headers.get('x-request-id') ?? undefined,
    );
  }
  return json;
}

const tokensOf = (json: Record<string, unknown>, now = Date.now()): OAuthTokens => ({
  accessToken: String(json.access_token),
  ...(typeof json.refresh_token === 'string' ? { refreshToken: json.refresh_token } : {}),
  expiresAt: now + Number(json.expires_in ?? 3600) * 1000,
  ...(typeof json.id_token === 'string' ? { idToken: json.id_token } : {}),
  ...(typeof json.scope === 'string' ? { scope: json.scope } : {}),
});

/**
 * Exchanges a callback's code for tokens.
 *
 * @example
 * const tokens = await exchangeCode({ clientId, clientSecret, tokenUrl }, { code, redirectUri, codeVerifier });
 */
export async function exchangeCode(
  app: OAuthApp,
  grant: { code: string; redirectUri: string; codeVerifier: string },
) {
  return tokensOf(
    await tokenRequest(app, {
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: grant.redirectUri,
      code_verifier: grant.codeVerifier,
    }),
  );
}

/**
 * New tokens for a refresh token (the server rotates it: keep the new one).
 *
 * @example
 * const fresh = await refreshTokens({ clientId, clientSecret, tokenUrl }, tokens.refreshToken);
 */
export async function refreshTokens(app: OAuthApp, refreshToken: string) {
  return tokensOf(await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: refreshToken }));
}

/**
 * Revokes a token (RFC 7009): a refresh token revokes its grant, so every token of it stops working.
 *
 * @example
 * await revokeToken({ clientId, clientSecret, tokenUrl }, tokens.refreshToken, 'https://weft.example.com/oauth2/revoke');
 */
export async function revokeToken(app: OAuthApp, token: string, revocationUrl: string) {
  await tokenRequest(app, { token }, revocationUrl);
}

/**
 * What `createClient` takes to act with OAuth tokens.
 *
 * @example
 * createClient({ url, oauth: { ...app, ...tokens, onTokens: (fresh) => db.save(fresh) } });
 */
export interface OAuthCredentials extends OAuthApp, Partial<OAuthTokens> {
  accessToken: string;
  /** Told of every new pair of tokens, to store them. */
  onTokens?: (tokens: OAuthTokens) => void | Promise<void>;
  /** Refresh this long before expiry (ms). Default 60,000. */
  refreshBeforeMs?: number;
}

/**
 * Bearer credentials that refresh themselves shortly before expiry and once after a 401; calls that
 * arrive meanwhile wait for that one refresh rather than starting their own.
 */
export function oauthCredentials(options: OAuthCredentials): Credentials {
  let tokens: OAuthTokens = {
    accessToken: options.accessToken,
    expiresAt: options.expiresAt ?? Number.POSITIVE_INFINITY,
    ...(options.refreshToken ? { refreshToken: options.refreshToken } : {}),
  };
  const before = options.refreshBeforeMs ?? 60_000;
  let refreshing: Promise<boolean> | undefined;
  const refresh = () => {
    refreshing ??= (async () => {
      if (!tokens.refreshToken) return false;
      try {
        const fresh = await refreshTokens(options, tokens.refreshToken);
        tokens = { ...fresh, refreshToken: fresh.refreshToken ?? tokens.refreshToken };
        await options.onTokens?.(tokens);
        return true;
      } catch (error) {
        throw new WeftHttpError(
          error instanceof WeftHttpError ? error.status : 0,
          'REFRESH_FAILED',
          `The access token could not be refreshed: ${(error as Error).message}`,
          undefined,
          { cause: error },
        );
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };
  return {
    // The grant's first access token, whole: a prefix would be the same for every JWT.
    key: `oauth ${options.clientId} ${options.accessToken}`,
    async authorization() {
      if (refreshing) await refreshing;
      else if (tokens.refreshToken && tokens.expiresAt - Date.now() < before) await refresh();
      return `Bearer ${tokens.accessToken}`;
    },
    refresh,
  };
}
