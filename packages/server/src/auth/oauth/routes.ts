/**
 * The authorization server's HTTP side. The provider's own endpoints are handed the raw request
 * before Fastify reads a body (the provider parses its form bodies itself); the login and consent
 * pages are Weft's routes, which drive the provider's interaction API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction } from 'oidc-provider';
import { WeftError } from '../../errors/index.ts';
import { isCsrfTokenValid, isSameOrigin } from '../../http/index.ts';
import { sendPage } from '../../web/index.ts';
import type { Auth } from '../index.ts';
import { DEVICE_COOKIE_MAX_AGE_S } from '../sessions/index.ts';
import type { OAuth } from './index.ts';
import { oauthConsentPage, oauthLoginPage, renderOAuthError } from './pages.ts';
import { OAUTH_ROUTES } from './paths.ts';

/** Every path the provider answers, and what it is served as (RFC 8414's name for discovery). */
const PROVIDER_PATHS: Record<string, string | null> = {
  [OAUTH_ROUTES.authorization]: null,
  [`${OAUTH_ROUTES.authorization}/:uid`]: null,
  [OAUTH_ROUTES.token]: null,
  [OAUTH_ROUTES.revocation]: null,
  [OAUTH_ROUTES.introspection]: null,
  [OAUTH_ROUTES.jwks]: null,
  [OAUTH_ROUTES.userinfo]: null,
  '/.well-known/openid-configuration': null,
  '/.well-known/oauth-authorization-server': '/.well-known/openid-configuration',
};

/** `offline_access` is `offline`'s synonym: the provider would drop it without `prompt=consent`. */
function withOfflineSynonym(url: string): string {
  const at = url.indexOf('?');
  if (at === -1 || !url.includes('offline_access')) return url;
  const query = new URLSearchParams(url.slice(at + 1));
  const scope = query.get('scope');
  if (scope === null) return url;
  query.set(
    'scope',
    scope
      .split(' ')
      .map((s) => (s === 'offline_access' ? 'offline' : s))
      .join(' '),
  );
  return `${url.slice(0, at)}?${query}`;
}

/** Pages of an interaction may post forms that end in a redirect to the app: CSP must allow it. */
function interactionCsp(redirectUri: unknown) {
  const target =
    typeof redirectUri === 'string' && URL.canParse(redirectUri) ? new URL(redirectUri).origin : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action 'self'${target ? ` ${target}` : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function oauthRoutes({ auth, oauth }: { auth: Auth; oauth: OAuth }) {
  const { cookies } = auth;
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: cookies.secure };

  async function details(request: FastifyRequest, reply: FastifyReply): Promise<Interaction | null> {
    const { provider } = await oauth.provider();
    try {
      const interaction = await provider.interactionDetails(request.raw, reply.raw);
      if (interaction.uid !== (request.params as { uid: string }).uid) return null;
      return interaction;
    } catch {
      return null;
    }
  }

  function expired(reply: FastifyReply) {
    return sendPage(
      reply,
      renderOAuthError({
        error: 'invalid_request',
        error_description: 'This sign-in has expired or was started in another browser.',
      }),
      { status: 400 },
    );
  }

  async function appName(clientId: unknown) {
    const client = typeof clientId === 'string' ? await oauth.clients.get(clientId).catch(() => null) : null;
    return client?.name ?? 'the app';
  }

  /** Finishes an interaction step and sends the browser back to the provider. */
  async function finish(
    request: FastifyRequest,
    reply: FastifyReply,
    result: Parameters<Awaited<ReturnType<OAuth['provider']>>['provider']['interactionResult']>[2],
    merge: boolean,
  ) {
    const { provider } = await oauth.provider();
    const url = await provider.interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: merge,
    });
    return reply.redirect(url, 303);
  }

  /** The browser's Weft session on this host, if any: its account need not log in again. */
  async function sessionAccount(request: FastifyRequest) {
    const secret = request.cookies[cookies.session];
    if (!secret) return null;
    const found = await auth.sessions.verifySession(secret);
    return found?.owner.user.accountId ?? null;
  }

  async function showStep(
    _request: FastifyRequest,
    reply: FastifyReply,
    interaction: Interaction,
    extra = {},
    status = 200,
  ) {
    const { uid, prompt, params, session } = interaction;
    reply.header('content-security-policy', interactionCsp(params.redirect_uri));
    const csrf = await oauth.csrfFor(uid);
    const name = await appName(params.client_id);
    if (prompt.name === 'login') {
      return sendPage(reply, oauthLoginPage({ uid, csrf, appName: name, ...extra }), { status });
    }
    const account = session?.accountId ? await auth.accounts.getAccount(session.accountId) : null;
    if (!account) return expired(reply);
    const scopes = String(params.scope ?? '')
      .split(' ')
      .filter(Boolean);
    return sendPage(reply, oauthConsentPage({ uid, csrf, appName: name, scopes, account }), { status });
  }

  async function checkForm(request: FastifyRequest, interaction: Interaction) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    return (
      isSameOrigin(request, auth.config.issuer) &&
      isCsrfTokenValid(body._csrf, await oauth.csrfFor(interaction.uid))
    );
  }

  return async (app: FastifyInstance) => {
    for (const [path, servedAs] of Object.entries(PROVIDER_PATHS)) {
      app.route({
        method: ['GET', 'POST', 'OPTIONS'],
        url: path,
        schema: { hide: true },
        // Handed over before Fastify reads the body: the provider reads its own.
        onRequest(request, reply, done) {
          oauth.provider().then(({ provider }) => {
            reply.hijack();
            const raw = request.raw;
            const url = raw.url ?? '/';
            raw.url = servedAs
              ? servedAs + url.slice(path.length)
              : path === OAUTH_ROUTES.authorization
                ? withOfflineSynonym(url)
                : url;
            provider.callback()(raw, reply.raw);
          }, done);
        },
        handler: () => undefined,
      });
    }

    app.get('/oauth2/interaction/:uid', { schema: { hide: true } }, async (request, reply) => {
      const interaction = await details(request, reply);
      if (!interaction) return expired(reply);
      if (interaction.prompt.name === 'login') {
        const accountId = await sessionAccount(request);
        if (accountId) return finish(request, reply, { login: { accountId } }, false);
      }
      return showStep(request, reply, interaction);
    });

    app.post('/oauth2/interaction/:uid/login', { schema: { hide: true } }, async (request, reply) => {
      const interaction = await details(request, reply);
      if (interaction?.prompt.name !== 'login') return expired(reply);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const email = typeof body.email === 'string' ? body.email : '';
      const password = typeof body.password === 'string' ? body.password : '';
      if (!(await checkForm(request, interaction))) {
        return showStep(
          request,
          reply,
          interaction,
          { email, error: 'The form has expired: please log in again.' },
          403,
        );
      }
      try {
        const { account, deviceCookie } = await auth.sessions.checkPassword(
          null,
          email,
          password,
          request.ip,
          request.cookies,
        );
        if (deviceCookie.value)
          reply.setCookie(deviceCookie.name, deviceCookie.value, {
            ...cookieOptions,
            maxAge: DEVICE_COOKIE_MAX_AGE_S,
          });
        return finish(request, reply, { login: { accountId: account.id } }, false);
      } catch (error) {
        if (!(error instanceof WeftError)) throw error;
        const retry = error.details?.retry_after_s;
        if (retry) reply.header('retry-after', String(retry));
        return showStep(request, reply, interaction, { email, error: error.message }, error.status);
      }
    });

    app.post('/oauth2/interaction/:uid/consent', { schema: { hide: true } }, async (request, reply) => {
      const interaction = await details(request, reply);
      if (interaction?.prompt.name !== 'consent' || !interaction.session) return expired(reply);
      if (!(await checkForm(request, interaction))) {
        return sendPage(
          reply,
          renderOAuthError({
            error: 'invalid_request',
            error_description: 'This form did not come from this site.',
          }),
          { status: 403 },
        );
      }
      const decision = (request.body as Record<string, unknown> | undefined)?.decision;
      if (decision !== 'allow') {
        return finish(
          request,
          reply,
          { error: 'access_denied', error_description: 'The user denied the request.' },
          true,
        );
      }
      const { provider } = await oauth.provider();
      const { prompt, params, session, grantId: existing } = interaction;
      const grant =
        (existing ? await provider.Grant.find(existing) : undefined) ??
        new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
      const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      const grantId = await grant.save();
      return finish(request, reply, { consent: { grantId } }, true);
    });
  };
}
