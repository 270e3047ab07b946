/**
 * An OAuth test bench: a Weft listening on a loopback port (its issuer), a member with a password,
 * registered apps, and a browser-like agent (a cookie jar, manual redirects) that goes through login
 * and consent over HTTP as a person would, so that the flow is the one a real app and browser drive.
 */
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import type { Config } from '../../src/config/index.ts';
import type { Backend } from './backends.ts';
import { freePort } from './redis.ts';
import { startTestApp, type TestApp } from './test-app.ts';

export const PASSWORD = 'the-right-password';
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export interface OAuthBench {
  t: TestApp;
  base: string;
  /** Ada, a member of `demo`. */
  ada: { accountId: string; userId: string };
  /** A confidential app and its secret. */
  app: { id: string; secret: string };
  close(): Promise<void>;
}

export async function startOAuthBench(
  backend: Backend,
  {
    config = {},
    clock,
    captureLogs = false,
  }: { config?: Partial<Config>; clock?: { now(): number }; captureLogs?: boolean } = {},
): Promise<OAuthBench> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await startTestApp(backend, {
    config: { publicUrl: base, issuer: base, ...config },
    captureLogs,
    // Read through the global Date at each call, so a test that mocks Date moves Weft's clock too.
    clock: clock ?? { now: () => Date.now() },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  await t.accounts.createWorkspace({ slug: 'demo' });
  const { user } = await t.accounts.createUser({
    workspace: 'demo',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    role: 'member',
    password: PASSWORD,
  });
  const created = await t.app.weft.auth.oauth.clients.create({
    name: 'Test App',
    redirectUris: [REDIRECT_URI],
  });
  return {
    t,
    base,
    ada: { accountId: user.accountId, userId: user.id },
    app: { id: created.client.id, secret: created.secret! },
    close: () => t.close(),
  };
}

/** A browser: keeps cookies per host, follows nothing by itself. */
export function createAgent(base: string) {
  const jar = new Map<string, string>();
  const agent = {
    jar,
    async request(url: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const response = await fetch(new URL(url, base), {
        ...init,
        redirect: 'manual',
        headers: { ...(cookie ? { cookie } : {}), ...init.headers },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair!.indexOf('=');
        const value = pair!.slice(at + 1);
        if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(pair!.slice(0, at));
        else jar.set(pair!.slice(0, at), value);
      }
      return response;
    },
    /** Posts a form as a same-origin browser does. */
    post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
      return agent.request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'same-origin',
          ...headers,
        },
        body: new URLSearchParams(fields).toString(),
      });
    },
  };
  return agent;
}

export type Agent = ReturnType<typeof createAgent>;

export const location = (response: Response) => {
  const value = response.headers.get('location');
  assert.ok(value, `a redirect (got ${response.status})`);
  return value;
};

export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** An authorization request's URL, with PKCE unless told otherwise. */
export async function authorizationUrl(
  bench: OAuthBench,
  {
    clientId = bench.app.id,
    scope = 'openid offline',
    redirectUri = REDIRECT_URI,
    pkce = true,
    extra = {},
  }: {
    clientId?: string;
    scope?: string;
    redirectUri?: string;
    pkce?: boolean;
    extra?: Record<string, string>;
  } = {},
) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = new URL('/oauth2/auth', bench.base);
  const params: Record<string, string> = {
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    // A nonce belongs to OpenID Connect: without openid it is refused.
    ...(scope.split(' ').includes('openid') ? { nonce } : {}),
    ...(pkce
      ? { code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }
      : {}),
    ...extra,
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return { url: url.href, verifier, state, nonce };
}

/**
 * Drives a browser from the authorization URL to the app's callback: logs in (unless the browser is
 * logged in already) and allows (or denies). Resolves with the callback URL.
 */
export async function authorize(
  bench: OAuthBench,
  agent: Agent,
  url: string,
  { decision = 'allow', password = PASSWORD }: { decision?: 'allow' | 'deny'; password?: string } = {},
): Promise<URL> {
  let response = await agent.request(url);
  for (let step = 0; step < 8; step++) {
    const target = new URL(location(response), bench.base);
    if (target.origin !== bench.base) return target;
    response = await agent.request(target.href);
    if (response.status !== 200) continue;
    const html = await response.text();
    const csrf = csrfOf(html);
    response = html.includes('name="password"')
      ? await agent.post(`${target.pathname}/login`, { _csrf: csrf, email: 'ada@example.com', password })
      : await agent.post(`${target.pathname}/consent`, { _csrf: csrf, decision });
  }
  throw new Error('no callback after 8 steps');
}

/** openid-client's view of the server, for the app. */
export async function discover(bench: OAuthBench, { id, secret } = bench.app) {
  return client.discovery(new URL(bench.base), id, secret, undefined, {
    execute: [client.allowInsecureRequests],
  });
}

/**
 * The whole flow for an app (the bench's own unless `app` names another, with its openid-client
 * configuration): resolves with its tokens.
 */
export async function tokensFor(
  bench: OAuthBench,
  scope = 'openid offline',
  agent = createAgent(bench.base),
  app?: { clientId: string; config: client.Configuration },
) {
  const config = app?.config ?? (await discover(bench));
  const request = await authorizationUrl(bench, { scope, ...(app ? { clientId: app.clientId } : {}) });
  const callback = await authorize(bench, agent, request.url);
  return client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    ...(scope.split(' ').includes('openid') ? { expectedNonce: request.nonce } : {}),
  });
}

/** `$my-id`'s email through the API with a Bearer token: the status and the rows. */
export async function whoAmI(bench: OAuthBench, accessToken: string, host?: string) {
  const response = await fetch(`${bench.base}/api/commands`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      ...(host ? { host } : {}),
    },
    body: JSON.stringify([
      {
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': 'fibery/user',
            'q/select': ['user/email'],
            'q/where': ['=', ['fibery/id'], '$my-id'],
            'q/limit': 1,
          },
        },
      },
    ]),
  });
  return { status: response.status, headers: response.headers, body: await answer(response) };
}

/** A raw form POST to the token endpoint (what openid-client would not send). */
export function tokenRequest(
  bench: OAuthBench,
  fields: Record<string, string>,
  { basic, headers = {} }: { basic?: { id: string; secret: string }; headers?: Record<string, string> } = {},
) {
  const auth = basic
    ? {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`,
      }
    : {};
  return fetch(`${bench.base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** A JSON answer of the server, as a test reads it: any field may be asked for and compared. */
// biome-ignore lint/suspicious/noExplicitAny: a test asserts on whatever the server answered
export type Answer = Record<string, any>;

export const answer = (response: Response) => response.json() as Promise<Answer>;
