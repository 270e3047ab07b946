// OAuth 2.0 and OpenID Connect, driven end to end by openid-client (an independent client): discovery,
// an authorization request with PKCE, state and nonce, login and consent over HTTP, the code exchange,
// the ID token with its signature checked, userinfo, the Bearer token on the API, refresh with
// rotation, and revocation; on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { backends } from './helpers/backends.ts';
import {
  answer,
  authorizationUrl,
  authorize,
  createAgent,
  discover,
  type OAuthBench,
  REDIRECT_URI,
  startOAuthBench,
  tokensFor,
  whoAmI,
} from './helpers/oauth.ts';

for (const backend of backends) {
  describe(`OAuth flow on ${backend.name}`, { skip: backend.skip }, () => {
    let bench: OAuthBench;
    before(async () => {
      bench = await startOAuthBench(backend);
    });
    after(() => bench?.close());

    test('discovery advertises the code flow, PKCE S256, both secret methods and iss, and nothing else', async () => {
      const response = await fetch(`${bench.base}/.well-known/openid-configuration`);
      assert.equal(response.status, 200);
      const metadata = await answer(response);
      assert.equal(metadata.issuer, bench.base);
      assert.equal(metadata.authorization_endpoint, `${bench.base}/oauth2/auth`);
      assert.equal(metadata.token_endpoint, `${bench.base}/oauth2/token`);
      assert.equal(metadata.jwks_uri, `${bench.base}/.well-known/jwks.json`);
      assert.equal(metadata.userinfo_endpoint, `${bench.base}/userinfo`);
      assert.equal(metadata.revocation_endpoint, `${bench.base}/oauth2/revoke`);
      assert.equal(metadata.introspection_endpoint, `${bench.base}/oauth2/introspect`);
      assert.deepEqual(metadata.response_types_supported, ['code']);
      assert.deepEqual(metadata.grant_types_supported.sort(), ['authorization_code', 'refresh_token']);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(metadata.token_endpoint_auth_methods_supported.sort(), [
        'client_secret_basic',
        'client_secret_post',
        'none',
      ]);
      assert.equal(metadata.authorization_response_iss_parameter_supported, true);
      assert.deepEqual(metadata.scopes_supported.sort(), ['offline', 'offline_access', 'openid']);
      for (const off of [
        'registration_endpoint',
        'pushed_authorization_request_endpoint',
        'device_authorization_endpoint',
        'dpop_signing_alg_values_supported',
        'end_session_endpoint',
      ]) {
        assert.equal(metadata[off], undefined, `${off} is not advertised`);
      }
      const rfc8414 = await fetch(`${bench.base}/.well-known/oauth-authorization-server`);
      assert.equal(rfc8414.status, 200);
      assert.equal((await answer(rfc8414)).issuer, bench.base);
    });

    test('an app gets a signed ID token, userinfo, a Bearer token that is Ada on the API, a rotating refresh token, and revokes', async () => {
      const config = await discover(bench);
      client.enableNonRepudiationChecks(config);
      const request = await authorizationUrl(bench);
      const callback = await authorize(bench, createAgent(bench.base), request.url);
      assert.equal(callback.origin + callback.pathname, REDIRECT_URI);
      assert.equal(callback.searchParams.get('iss'), bench.base, 'RFC 9207 iss');
      assert.equal(callback.searchParams.get('state'), request.state);

      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: request.verifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
      });
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.equal(tokens.scope, 'openid offline');
      assert.ok(tokens.refresh_token, 'offline gives a refresh token');
      assert.equal(tokens.expires_in, 3600);
      const claims = tokens.claims()!;
      assert.equal(claims.sub, bench.ada.accountId);
      assert.equal(claims.name, 'Ada Lovelace');
      assert.equal(claims.email, 'ada@example.com');
      assert.equal(claims.nonce, request.nonce);
      assert.equal(typeof claims.auth_time, 'number');
      const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString());
      assert.equal(header.alg, 'RS256');
      const jwks = await answer(await fetch(`${bench.base}/.well-known/jwks.json`));
      assert.ok(
        jwks.keys.some((k: { kid: string }) => k.kid === header.kid),
        'the kid is in the JWKS',
      );
      assert.ok(
        jwks.keys.every((k: Record<string, unknown>) => k.d === undefined),
        'no private parts',
      );

      const userinfo = await client.fetchUserInfo(config, tokens.access_token, bench.ada.accountId);
      assert.equal(userinfo.email, 'ada@example.com');

      const me = await whoAmI(bench, tokens.access_token);
      assert.equal(me.status, 200);
      assert.deepEqual(me.body, [{ success: true, result: [{ 'user/email': 'ada@example.com' }] }]);

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'the refresh token rotates');
      assert.equal((await whoAmI(bench, refreshed.access_token)).status, 200);

      await client.tokenRevocation(config, refreshed.refresh_token!);
      for (const token of [tokens.access_token, refreshed.access_token]) {
        const after = await whoAmI(bench, token);
        assert.equal(after.status, 401);
        assert.equal(after.headers.get('www-authenticate'), 'Bearer realm="weft", error="invalid_token"');
        assert.equal(after.body.error.code, 'ACCESS_TOKEN_INVALID');
      }
    });

    test('token responses are not stored by caches', async () => {
      const tokens = await tokensFor(bench);
      const response = await fetch(`${bench.base}/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${bench.app.id}:${bench.app.secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }),
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
    });

    test('without offline there is no refresh token; offline_access is its synonym', async () => {
      const plain = await tokensFor(bench, 'openid');
      assert.equal(plain.refresh_token, undefined);
      assert.ok(plain.id_token);
      const standard = await tokensFor(bench, 'openid offline_access');
      assert.ok(standard.refresh_token, 'offline_access gives a refresh token too');
    });

    test('a consent given once is remembered: the next authorization skips the consent page', async () => {
      const agent = createAgent(bench.base);
      await tokensFor(bench, 'openid offline', agent);
      const fresh = createAgent(bench.base);
      const request = await authorizationUrl(bench);
      let response = await fresh.request(request.url);
      response = await fresh.request(response.headers.get('location')!);
      const html = await response.text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
      const path = new URL(response.url).pathname;
      response = await fresh.post(`${path}/login`, {
        _csrf: csrf,
        email: 'ada@example.com',
        password: 'the-right-password',
      });
      // Back to the provider, which finds the earlier consent and answers the app at once.
      response = await fresh.request(response.headers.get('location')!);
      const callback = new URL(response.headers.get('location')!);
      assert.equal(callback.origin + callback.pathname, REDIRECT_URI);
      assert.ok(callback.searchParams.get('code'));
    });

    test('a browser logged in to the workspace goes straight to consent', async () => {
      const agent = createAgent(bench.base);
      const page = await agent.request('/login');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const login = await agent.post('/login', {
        _csrf: csrf,
        email: 'ada@example.com',
        password: 'the-right-password',
      });
      assert.equal(login.status, 303);
      const request = await authorizationUrl(bench);
      let response = await agent.request(request.url);
      response = await agent.request(response.headers.get('location')!);
      assert.equal(response.status, 303, 'no login form');
      response = await agent.request(response.headers.get('location')!);
      const next = response.headers.get('location') ?? '';
      assert.ok(next.startsWith('/oauth2/interaction/') || next.startsWith(REDIRECT_URI), next);
    });

    test('Deny sends access_denied to the app, with state and iss', async () => {
      const request = await authorizationUrl(bench, { scope: 'openid' });
      const agent = createAgent(bench.base);
      // A new app, so that no earlier consent applies.
      const other = await bench.t.app.weft.auth.oauth.clients.create({
        name: 'Denied',
        redirectUris: [REDIRECT_URI],
      });
      const url = new URL(request.url);
      url.searchParams.set('client_id', other.client.id);
      const callback = await authorize(bench, agent, url.href, { decision: 'deny' });
      assert.equal(callback.searchParams.get('error'), 'access_denied');
      assert.equal(callback.searchParams.get('state'), request.state);
      assert.equal(callback.searchParams.get('iss'), bench.base);
      assert.equal(callback.searchParams.get('code'), null);
    });

    test('a public app uses PKCE and no secret', async () => {
      const created = await bench.t.app.weft.auth.oauth.clients.create({
        name: 'Native',
        redirectUris: [REDIRECT_URI],
        isPublic: true,
      });
      assert.equal(created.secret, null);
      const config = await client.discovery(
        new URL(bench.base),
        created.client.id,
        undefined,
        client.None(),
        {
          execute: [client.allowInsecureRequests],
        },
      );
      const tokens = await tokensFor(bench, undefined, undefined, { clientId: created.client.id, config });
      assert.equal((await whoAmI(bench, tokens.access_token)).status, 200);
    });

    test('client_secret_basic works as well as client_secret_post', async () => {
      const config = await client.discovery(
        new URL(bench.base),
        bench.app.id,
        undefined,
        client.ClientSecretBasic(bench.app.secret),
        { execute: [client.allowInsecureRequests] },
      );
      const tokens = await tokensFor(bench, undefined, undefined, { clientId: bench.app.id, config });
      assert.ok(tokens.access_token);
    });

    test('introspection tells a confidential app about its own token', async () => {
      const config = await discover(bench);
      const tokens = await tokensFor(bench);
      const active = await client.tokenIntrospection(config, tokens.access_token);
      assert.equal(active.active, true);
      assert.equal(active.sub, bench.ada.accountId);
      await client.tokenRevocation(config, tokens.access_token);
      assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, false);
    });
  });
}
