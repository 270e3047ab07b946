// OAuth access tokens on the API: the account's user in the workspace the token is sent to, with the
// role it has now; its own rate limit per grant; 401 with `Bearer error="invalid_token"` from the very
// next request once the token has expired or been revoked, also by another process (the CLI); the
// lifetimes of codes and refresh tokens; signing-key rotation and keys encrypted at rest.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
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
  tokenRequest,
  tokensFor,
  whoAmI,
} from './helpers/oauth.ts';
import { runWeft } from './helpers/spawn-weft.ts';

const envOf = (bench: OAuthBench) => ({
  WEFT_DATA_DIR: bench.t.config.dataDir,
  ...(bench.t.config.databaseUrl ? { DATABASE_URL: bench.t.config.databaseUrl } : {}),
});

/** `$my-id` through app.inject, on the workspace a Host names. */
async function whoAmIOn(bench: OAuthBench, accessToken: string, host: string) {
  const response = await bench.t.app.inject({
    method: 'POST',
    url: '/api/commands',
    headers: { host, authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    payload: [
      {
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': 'fibery/user',
            'q/select': ['fibery/id', 'fibery/role'],
            'q/where': ['=', ['fibery/id'], '$my-id'],
          },
        },
      },
    ],
  });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

for (const backend of backends) {
  describe(`OAuth access tokens on the API, on ${backend.name}`, { skip: backend.skip }, () => {
    test("a token acts for the account's user in each workspace it is a member of, with its role there", async (t) => {
      const bench = await startOAuthBench(backend, { config: { baseDomain: 'weft.test' } });
      t.after(() => bench.close());
      const { access_token } = await tokensFor(bench);
      const demo = await whoAmIOn(bench, access_token, 'demo.weft.test');
      assert.equal(demo.status, 200);
      assert.deepEqual(demo.body[0].result, [{ 'fibery/id': bench.ada.userId, 'fibery/role': 'member' }]);

      await bench.t.accounts.createWorkspace({ slug: 'acme' });
      const elsewhere = await whoAmIOn(bench, access_token, 'acme.weft.test');
      assert.equal(elsewhere.status, 401, 'not a member of acme');
      assert.equal(elsewhere.body.error.code, 'ACCESS_TOKEN_INVALID');
      assert.match(elsewhere.body.error.message, /acme/);
      assert.equal(elsewhere.headers['www-authenticate'], 'Bearer realm="weft", error="invalid_token"');

      const { user } = await bench.t.accounts.createUser({
        workspace: 'acme',
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        role: 'observer',
      });
      const member = await whoAmIOn(bench, access_token, 'acme.weft.test');
      assert.equal(member.status, 200);
      assert.deepEqual(member.body[0].result, [{ 'fibery/id': user.id, 'fibery/role': 'observer' }]);

      await bench.t.accounts.setRole('acme', 'ada@example.com', 'member');
      assert.equal(
        (await whoAmIOn(bench, access_token, 'acme.weft.test')).body[0].result[0]['fibery/role'],
        'member',
      );
      await bench.t.accounts.deactivateUser('acme', 'ada@example.com');
      const deactivated = await whoAmIOn(bench, access_token, 'acme.weft.test');
      assert.equal(deactivated.status, 401);
      assert.equal(deactivated.body.error.code, 'USER_DEACTIVATED');
      assert.equal(
        (await whoAmIOn(bench, access_token, 'demo.weft.test')).status,
        200,
        'still a member of demo',
      );
    });

    test('a Bearer API token keeps working beside access tokens, and a made-up Bearer value gets invalid_token', async (t) => {
      const bench = await startOAuthBench(backend);
      t.after(() => bench.close());
      const user = await bench.t.accounts.getUser('demo', 'ada@example.com');
      const { value } = await bench.t.tokens.createToken(user);
      assert.equal((await whoAmI(bench, value)).status, 200);
      for (const made of ['abc', 'x'.repeat(43), 'x'.repeat(600)]) {
        const refused = await whoAmI(bench, made);
        assert.equal(refused.status, 401, made);
        assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="weft", error="invalid_token"');
      }
    });

    test('an access token has a rate limit per grant, shared by the tokens a refresh gives, beside the workspace limit', async (t) => {
      const bench = await startOAuthBench(backend, { config: { rateLimitToken: 3, rateLimitWorkspace: 7 } });
      t.after(() => bench.close());
      const tokens = await tokensFor(bench);
      const config = await discover(bench);
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      const statuses = [];
      for (const token of [
        tokens.access_token,
        tokens.access_token,
        refreshed.access_token,
        refreshed.access_token,
      ]) {
        const reply = await whoAmI(bench, token);
        statuses.push(reply.status);
        if (reply.status === 200)
          assert.match(reply.headers.get('ratelimit-policy')!, /^"oauth";q=3;w=1, "workspace";q=7;w=1$/);
        else assert.equal(reply.body.error.scope, 'oauth');
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      // Ada's API token is a credential of its own; the workspace's limit is shared (7 in a second).
      const user = await bench.t.accounts.getUser('demo', 'ada@example.com');
      const { value } = await bench.t.tokens.createToken(user);
      const more = [];
      for (let i = 0; i < 4; i++) more.push((await whoAmI(bench, value)).status);
      assert.deepEqual(more, [200, 200, 200, 429]);
    });

    test('a token revoked by the CLI in another process gets 401 on the very next request', async (t) => {
      const bench = await startOAuthBench(backend);
      t.after(() => bench.close());
      const created = await bench.t.app.weft.auth.oauth.clients.create({
        name: 'Doomed',
        redirectUris: [REDIRECT_URI],
      });
      const config = await discover(bench, { id: created.client.id, secret: created.secret! });
      const tokens = await tokensFor(bench, undefined, undefined, { clientId: created.client.id, config });
      // Twice, so that a cached verification would be served if the cache were not exact.
      assert.equal((await whoAmI(bench, tokens.access_token)).status, 200);
      assert.equal((await whoAmI(bench, tokens.access_token)).status, 200);
      const deleted = await runWeft(['client', 'delete', created.client.id], envOf(bench));
      assert.equal(deleted.code, 0, deleted.stderr);
      const after = await whoAmI(bench, tokens.access_token);
      assert.equal(after.status, 401);
      assert.equal(after.headers.get('www-authenticate'), 'Bearer realm="weft", error="invalid_token"');
    });

    test('an access token expires after its lifetime, a code after its own, a refresh token at the absolute limit', async (t) => {
      const bench = await startOAuthBench(backend, {
        config: { oauthRefreshTokenIdleTtl: 7200, oauthRefreshTokenAbsoluteTtl: 7200 },
      });
      t.after(() => bench.close());
      const tokens = await tokensFor(bench);
      const request = await authorizationUrl(bench);
      const callback = await authorize(bench, createAgent(bench.base), request.url);
      const code = callback.searchParams.get('code')!;

      t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
      t.mock.timers.tick(61_000);
      const late = await tokenRequest(
        bench,
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          code_verifier: request.verifier,
        },
        { basic: bench.app },
      );
      assert.equal((await answer(late)).error, 'invalid_grant', 'a code lives 60 s');

      assert.equal((await whoAmI(bench, tokens.access_token)).status, 200);
      t.mock.timers.tick(3600_000);
      const expired = await whoAmI(bench, tokens.access_token);
      assert.equal(expired.status, 401, 'an access token lives an hour');
      assert.equal(expired.headers.get('www-authenticate'), 'Bearer realm="weft", error="invalid_token"');

      const refresh = (token: string) =>
        tokenRequest(bench, { grant_type: 'refresh_token', refresh_token: token }, { basic: bench.app });
      const renewed = await answer(await refresh(tokens.refresh_token!));
      assert.ok(renewed.access_token, 'within the absolute limit a refresh works');
      t.mock.timers.tick(3600_000);
      const past = await refresh(renewed.refresh_token);
      assert.equal((await answer(past)).error, 'invalid_grant', 'past the absolute limit it does not');
    });

    test('weft keys rotate: new ID tokens carry the new kid, and tokens signed before still verify', async (t) => {
      const bench = await startOAuthBench(backend);
      t.after(() => bench.close());
      const config = await discover(bench);
      client.enableNonRepudiationChecks(config);
      const before = await tokensFor(bench);
      const kidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).kid;
      const rotated = await runWeft(['keys', 'rotate', '--json'], envOf(bench));
      assert.equal(rotated.code, 0, rotated.stderr);
      const { kid } = JSON.parse(rotated.stdout);
      const after = await tokensFor(bench);
      assert.equal(kidOf(after.id_token!), kid);
      assert.notEqual(kidOf(before.id_token!), kid);
      const jwks = (await answer(await fetch(`${bench.base}/.well-known/jwks.json`))).keys as {
        kid: string;
      }[];
      assert.deepEqual(
        jwks.map((k) => k.kid).sort(),
        [kid, kidOf(before.id_token!)].sort(),
        'both keys are published',
      );
      // openid-client checks the signature of a refreshed ID token against the JWKS.
      const refreshed = await client.refreshTokenGrant(config, before.refresh_token!);
      assert.equal(kidOf(refreshed.id_token!), kid);
    });
  });
}

describe('OAuth keys at rest', () => {
  test('with WEFT_SECRET_KEY the keys are stored encrypted, and without it the server says what is missing', async (t) => {
    const secretKey = 'a-secret-key-of-at-least-32-characters!';
    const bench = await startOAuthBench(backends[0]!, { config: { secretKey } });
    t.after(() => bench.close());
    await tokensFor(bench);
    const rows = await bench.t.storage.queryRows('SELECT use, key FROM oauth_keys', []);
    assert.equal(rows.length, 2);
    for (const row of rows) assert.match(String(row.key), /^aes256gcm:/);
    bench.t.config.secretKey = undefined;
    const other = await bench.t.storage.listOAuthKeys();
    await bench.t.storage.addOAuthKey({ ...other[0]!, kid: 'trigger-reload', createdAt: 0 });
    const locked = await fetch(`${bench.base}/.well-known/openid-configuration`);
    assert.equal(locked.status, 500);
    const body = await answer(locked);
    assert.equal(body.error.code, 'OAUTH_KEYS_LOCKED');
    assert.match(body.error.message, /WEFT_SECRET_KEY/);
  });
});
