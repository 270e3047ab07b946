// The attacks on an authorization server that RFC 9700 §4 lists, each answered with the RFC's error
// and changing nothing else; on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { backends } from './helpers/backends.ts';
import {
  answer,
  authorizationUrl,
  authorize,
  createAgent,
  csrfOf,
  discover,
  location,
  type OAuthBench,
  REDIRECT_URI,
  startOAuthBench,
  tokenRequest,
  tokensFor,
  whoAmI,
} from './helpers/oauth.ts';

for (const backend of backends) {
  describe(`OAuth attacks on ${backend.name}`, { skip: backend.skip }, () => {
    let bench: OAuthBench;
    /** A second confidential app, registered with the same redirect URI. */
    let other: { id: string; secret: string };
    before(async () => {
      bench = await startOAuthBench(backend);
      const created = await bench.t.app.weft.auth.oauth.clients.create({
        name: 'Other',
        redirectUris: [REDIRECT_URI],
      });
      other = { id: created.client.id, secret: created.secret! };
    });
    after(() => bench?.close());

    /** A fresh code for the test app, with its verifier. */
    async function freshCode(options: Parameters<typeof authorizationUrl>[1] = {}) {
      const request = await authorizationUrl(bench, options);
      const callback = await authorize(bench, createAgent(bench.base), request.url);
      const code = callback.searchParams.get('code');
      assert.ok(code, `a code (got ${callback.href})`);
      return { code, verifier: request.verifier };
    }

    const exchange = (
      code: string,
      verifier: string | undefined,
      extra: Record<string, string> = {},
      basic = bench.app,
    ) =>
      tokenRequest(
        bench,
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          ...(verifier ? { code_verifier: verifier } : {}),
          ...extra,
        },
        { basic },
      );

    test('a code redeemed twice: the second gets invalid_grant and the tokens of the first die', async () => {
      const { code, verifier } = await freshCode();
      const first = await exchange(code, verifier);
      assert.equal(first.status, 200);
      const tokens = await answer(first);
      assert.equal((await whoAmI(bench, tokens.access_token)).status, 200);
      const replay = await exchange(code, verifier);
      assert.equal(replay.status, 400);
      assert.equal((await answer(replay)).error, 'invalid_grant');
      assert.equal((await whoAmI(bench, tokens.access_token)).status, 401);
      const refresh = await tokenRequest(
        bench,
        { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
        { basic: bench.app },
      );
      assert.equal((await answer(refresh)).error, 'invalid_grant');
    });

    test('two parallel redemptions of one code: exactly one succeeds', async () => {
      for (let round = 0; round < 5; round++) {
        const { code, verifier } = await freshCode();
        const answers = await Promise.all([exchange(code, verifier), exchange(code, verifier)]);
        assert.equal(answers.filter((a) => a.status === 200).length, 1, `round ${round}`);
      }
    });

    test("a code redeemed by another app's credentials gets invalid_grant", async () => {
      const { code, verifier } = await freshCode();
      const stolen = await exchange(code, verifier, {}, other);
      assert.equal(stolen.status, 400);
      assert.equal((await answer(stolen)).error, 'invalid_grant');
    });

    test('a redirect URI other than the registered one is refused with a page, never a redirect', async () => {
      const tampered = [
        `${REDIRECT_URI}/extra`,
        `${REDIRECT_URI}/../evil`,
        `${REDIRECT_URI}?x=1`,
        REDIRECT_URI.replace('callback', 'CALLBACK'),
        `${REDIRECT_URI}/`,
        'http://127.0.0.1:9@evil.example/callback',
        `${REDIRECT_URI}#fragment`,
        REDIRECT_URI.replace('callback', 'call%62ack'),
        'https://evil.example/callback',
        REDIRECT_URI.replace('127.0.0.1', 'localhost'),
      ];
      for (const redirectUri of tampered) {
        const request = await authorizationUrl(bench, { redirectUri });
        const response = await fetch(request.url, { redirect: 'manual' });
        assert.equal(response.status, 400, redirectUri);
        assert.equal(response.headers.get('location'), null, redirectUri);
        assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
        assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
        assert.match(await response.text(), /invalid_redirect_uri|redirect_uri/, redirectUri);
      }
      const unknown = await authorizationUrl(bench, { clientId: '00000000-0000-4000-8000-000000000000' });
      const response = await fetch(unknown.url, { redirect: 'manual' });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null);
    });

    test('a redirect URI at the token endpoint other than the one authorized gets invalid_grant', async () => {
      const { code, verifier } = await freshCode();
      const response = await exchange(code, verifier, { redirect_uri: `${REDIRECT_URI}/other` });
      assert.equal((await answer(response)).error, 'invalid_grant');
    });

    test('PKCE: a public app without it, a wrong verifier, plain, and a verifier without a challenge are refused', async () => {
      const pub = await bench.t.app.weft.auth.oauth.clients.create({
        name: 'Public',
        redirectUris: [REDIRECT_URI],
        isPublic: true,
      });
      const noPkce = await authorizationUrl(bench, { clientId: pub.client.id, pkce: false });
      const refused = new URL(location(await fetch(noPkce.url, { redirect: 'manual' })));
      assert.equal(refused.searchParams.get('error'), 'invalid_request');
      assert.equal(refused.searchParams.get('iss'), bench.base);
      assert.equal(refused.searchParams.get('state'), noPkce.state);

      const plain = await authorizationUrl(bench, {
        extra: { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' },
      });
      const plainRefused = new URL(location(await fetch(plain.url, { redirect: 'manual' })));
      assert.equal(plainRefused.searchParams.get('error'), 'invalid_request');

      const { code } = await freshCode();
      const wrong = await exchange(code, client.randomPKCECodeVerifier());
      assert.equal((await answer(wrong)).error, 'invalid_grant');

      // A confidential app may skip PKCE; a verifier then sent anyway is a downgrade attempt.
      const without = await freshCode({ pkce: false });
      const downgrade = await exchange(without.code, client.randomPKCECodeVerifier());
      assert.equal((await answer(downgrade)).error, 'invalid_grant');
    });

    test('a refresh token used twice revokes the grant: the new refresh token and every access token die', async () => {
      const tokens = await tokensFor(bench);
      const refresh = (token: string) =>
        tokenRequest(bench, { grant_type: 'refresh_token', refresh_token: token }, { basic: bench.app });
      const first = await refresh(tokens.refresh_token!);
      assert.equal(first.status, 200);
      const rotated = await answer(first);
      const replay = await refresh(tokens.refresh_token!);
      assert.equal((await answer(replay)).error, 'invalid_grant');
      assert.equal((await refresh(rotated.refresh_token)).status, 400, 'the new refresh token died too');
      assert.equal((await whoAmI(bench, tokens.access_token)).status, 401);
      assert.equal((await whoAmI(bench, rotated.access_token)).status, 401);
    });

    test('two parallel refreshes with one refresh token: exactly one succeeds', async () => {
      for (let round = 0; round < 5; round++) {
        const tokens = await tokensFor(bench);
        const answers = await Promise.all(
          [1, 2].map(() =>
            tokenRequest(
              bench,
              { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
              { basic: bench.app },
            ),
          ),
        );
        assert.equal(answers.filter((a) => a.status === 200).length, 1, `round ${round}`);
      }
    });

    test('a refresh may not widen the scope', async () => {
      const tokens = await tokensFor(bench, 'offline');
      const wider = await tokenRequest(
        bench,
        { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, scope: 'offline openid' },
        { basic: bench.app },
      );
      assert.equal((await answer(wider)).error, 'invalid_scope');
    });

    test("another app's refresh token is refused", async () => {
      const tokens = await tokensFor(bench);
      const stolen = await tokenRequest(
        bench,
        { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
        { basic: other },
      );
      assert.equal((await answer(stolen)).error, 'invalid_grant');
    });

    test('a wrong client secret gets 401 invalid_client; both authentication methods at once are refused', async () => {
      const { code, verifier } = await freshCode();
      const wrong = await exchange(code, verifier, {}, { id: bench.app.id, secret: `${bench.app.secret}x` });
      assert.equal(wrong.status, 401);
      assert.equal((await answer(wrong)).error, 'invalid_client');
      const both = await exchange(code, verifier, {
        client_id: bench.app.id,
        client_secret: bench.app.secret,
      });
      assert.equal(both.status, 400);
      assert.equal((await answer(both)).error, 'invalid_request');
      // The code survived both: it was never redeemed.
      assert.equal((await exchange(code, verifier)).status, 200);
    });

    test('access tokens in the query string are never used', async () => {
      const tokens = await tokensFor(bench);
      const api = await fetch(`${bench.base}/api/commands?access_token=${tokens.access_token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '[]',
      });
      assert.equal(api.status, 400);
      assert.equal((await answer(api)).error.code, 'TOKEN_IN_QUERY');
      const userinfo = await fetch(`${bench.base}/userinfo?access_token=${tokens.access_token}`);
      assert.notEqual(userinfo.status, 200);
    });

    test('state comes back byte for byte', async () => {
      const state = 'a b+c/d=e%f&g\u00e9';
      const request = await authorizationUrl(bench, { extra: { state } });
      const callback = await authorize(bench, createAgent(bench.base), request.url);
      assert.equal(callback.searchParams.get('state'), state);
    });

    test("a tampered or foreign interaction cookie gets the error page, and the form another browser's", async () => {
      const request = await authorizationUrl(bench);
      const agent = createAgent(bench.base);
      const start = await agent.request(request.url);
      const page = location(start);
      for (const [name, value] of agent.jar)
        agent.jar.set(
          name,
          value.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        );
      const tampered = await agent.request(page);
      assert.equal(tampered.status, 400);
      assert.match(await tampered.text(), /expired or was started in another browser/);

      const stranger = createAgent(bench.base);
      const response = await stranger.request(page);
      assert.equal(response.status, 400);
    });

    test('a login or consent form posted from another origin changes nothing', async () => {
      // An app of its own, so that no earlier consent skips the consent page.
      const created = await bench.t.app.weft.auth.oauth.clients.create({
        name: 'Fresh',
        redirectUris: [REDIRECT_URI],
      });
      const request = await authorizationUrl(bench, { clientId: created.client.id });
      const agent = createAgent(bench.base);
      let response = await agent.request(location(await agent.request(request.url)));
      const path = new URL(response.url).pathname;
      const csrf = csrfOf(await response.text());
      response = await agent.post(
        `${path}/login`,
        { _csrf: csrf, email: 'ada@example.com', password: 'the-right-password' },
        { 'sec-fetch-site': 'cross-site' },
      );
      assert.equal(response.status, 403);
      response = await agent.post(`${path}/login`, {
        _csrf: 'forged',
        email: 'ada@example.com',
        password: 'the-right-password',
      });
      assert.equal(response.status, 403);
      // Logged in properly, the consent form refuses a foreign origin too.
      response = await agent.post(`${path}/login`, {
        _csrf: csrf,
        email: 'ada@example.com',
        password: 'the-right-password',
      });
      const consentPath = location(await agent.request(location(response)));
      const consent = await agent.request(consentPath);
      const consentCsrf = csrfOf(await consent.text());
      const foreign = await agent.post(
        `${consentPath}/consent`,
        { _csrf: consentCsrf, decision: 'allow' },
        { 'sec-fetch-site': 'cross-site' },
      );
      assert.equal(foreign.status, 403);
      assert.equal(foreign.headers.get('location'), null);
    });

    test('the login form of the authorization server is throttled like the workspace one', async () => {
      const address = { 'x-forwarded-for': '6.6.6.6' };
      const request = await authorizationUrl(bench);
      const agent = createAgent(bench.base);
      const response = await agent.request(location(await agent.request(request.url)));
      const path = new URL(response.url).pathname;
      const csrf = csrfOf(await response.text());
      const statuses = [];
      for (let i = 0; i < 6; i++) {
        const attempt = await agent.post(
          `${path}/login`,
          { _csrf: csrf, email: 'grace@example.com', password: `guess-${i}` },
          address,
        );
        statuses.push(attempt.status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    });

    test("a deleted app's refresh and access tokens stop working at once", async () => {
      const created = await bench.t.app.weft.auth.oauth.clients.create({
        name: 'Doomed',
        redirectUris: [REDIRECT_URI],
      });
      const doomed = { id: created.client.id, secret: created.secret! };
      const config = await discover(bench, doomed);
      const tokens = await tokensFor(bench, undefined, undefined, { clientId: doomed.id, config });
      assert.equal((await whoAmI(bench, tokens.access_token)).status, 200);
      await bench.t.app.weft.auth.oauth.clients.delete(doomed.id);
      assert.equal((await whoAmI(bench, tokens.access_token)).status, 401);
      const refresh = await tokenRequest(
        bench,
        { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
        { basic: doomed },
      );
      assert.equal(refresh.status, 401);
      assert.equal((await answer(refresh)).error, 'invalid_client');
    });

    test('no code, token or client secret reaches the log, also when a request is refused', async (t) => {
      const logged = await startOAuthBench(backend, { captureLogs: true });
      t.after(() => logged.close());
      const tokens = await tokensFor(logged);
      const request = await authorizationUrl(logged);
      const code = (await authorize(logged, createAgent(logged.base), request.url)).searchParams.get('code')!;
      const refresh = (token: string) =>
        tokenRequest(logged, { grant_type: 'refresh_token', refresh_token: token }, { basic: logged.app });
      await refresh(tokens.refresh_token!);
      assert.equal((await refresh(tokens.refresh_token!)).status, 400, 'a replay, logged as refused');
      await whoAmI(logged, tokens.access_token);
      await fetch(`${logged.base}/userinfo?access_token=${tokens.access_token}`);
      const log = logged.t.logs.join('\n');
      assert.match(log, /OAuth request refused/);
      for (const secret of [
        code,
        tokens.access_token,
        tokens.refresh_token!,
        tokens.id_token!,
        logged.app.secret,
      ]) {
        assert.equal(log.includes(secret), false, 'a secret in the log');
      }
    });

    test('codes and tokens are stored only as hashes', async () => {
      const { code, verifier } = await freshCode();
      const tokens = await answer(await exchange(code, verifier));
      const rows = await bench.t.storage.queryRows('SELECT id_hash, payload FROM oauth_artifacts', []);
      const dump = JSON.stringify(rows);
      for (const secret of [code, tokens.access_token, tokens.refresh_token]) {
        assert.equal(dump.includes(secret), false, 'a secret in the database');
      }
      const apps = JSON.stringify(await bench.t.storage.queryRows('SELECT * FROM oauth_clients', []));
      assert.equal(apps.includes(bench.app.secret), false, 'a client secret in the database');
    });
  });
}
