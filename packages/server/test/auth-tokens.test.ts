import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { mintToken } from '../src/auth/tokens/index.ts';
import type { WorkspaceUser } from '../src/storage/index.ts';
import { backends } from './helpers/backends.ts';
import { createTestClock, startTestApp, type TestApp } from './helpers/test-app.ts';

function assertAuthError(
  response: { statusCode: number; body: string; headers: Record<string, unknown> },
  status: number,
  code: string,
) {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(JSON.parse(response.body).error.code, code);
  if (status === 401)
    assert.deepEqual(response.headers['www-authenticate'], ['Token realm="weft"', 'Bearer realm="weft"']);
}

/** A GET written byte for byte: inject and fetch cannot send a header twice. */
function rawGet(
  url: string,
  headerLines: string[],
): Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\n${headerLines.join('\r\n')}\r\nConnection: close\r\n\r\n`,
      );
    });
    let raw = '';
    socket.on('data', (chunk) => {
      raw += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      const [status, ...lines] = head.split('\r\n');
      const headers: Record<string, unknown> = {};
      for (const line of lines) {
        const at = line.indexOf(':');
        const name = line.slice(0, at).toLowerCase();
        const value = line.slice(at + 1).trim();
        headers[name] = headers[name] === undefined ? value : [headers[name], value].flat();
      }
      resolve({ statusCode: Number(status!.split(' ')[1]), body, headers });
    });
  });
}

for (const backend of backends) {
  describe(`API tokens and authentication on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    const clock = createTestClock();
    let ada: WorkspaceUser;
    let zed: WorkspaceUser;
    let adaToken: string;
    let url: string;

    const api = (options: InjectOptions & { token?: string }) => {
      const { token, headers, ...rest } = options;
      return t.app.inject({
        ...rest,
        headers: { ...(token ? { authorization: `Token ${token}` } : {}), ...headers },
      });
    };
    const newUser = async (email: string, workspace = 'demo', role = 'member') =>
      (
        await t.accounts.createUser({
          workspace,
          email,
          name: email.split('@')[0]!,
          role,
          password: 'long-password',
        })
      ).user;

    before(async () => {
      t = await startTestApp(backend, { config: { baseDomain: 'weft.test' }, captureLogs: true, clock });
      await t.accounts.createWorkspace({ slug: 'demo' });
      await t.accounts.createWorkspace({ slug: 'acme' });
      await newUser('boss@example.com', 'demo', 'admin');
      ada = await newUser('ada@example.com');
      zed = await newUser('zed@example.com', 'acme');
      adaToken = (await t.tokens.createToken(ada, 'ada main')).value;
      url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(() => t?.close());

    test('Authorization: Token, Bearer and any-case schemes authenticate the same token', async () => {
      for (const header of [
        `Token ${adaToken}`,
        `Bearer ${adaToken}`,
        `token ${adaToken}`,
        `BEARER  ${adaToken}`,
      ]) {
        const response = await api({ url: '/api/tokens', headers: { authorization: header } });
        assert.equal(response.statusCode, 200, header);
        assert.deepEqual(
          response.json().map((token: { description: string }) => token.description),
          ['ada main'],
        );
      }
    });

    test('no credentials is 401 AUTH_REQUIRED with WWW-Authenticate', async () => {
      assertAuthError(await api({ url: '/api/tokens' }), 401, 'AUTH_REQUIRED');
    });

    test('malformed, unknown and foreign credentials each get their 401 code', async () => {
      const flipped = adaToken.slice(0, -1) + (adaToken.endsWith('A') ? 'B' : 'A');
      const cases: [string, string][] = [
        ['Token', 'AUTH_MALFORMED'],
        ['Token ', 'AUTH_MALFORMED'],
        ['', 'AUTH_MALFORMED'],
        ['Token a b', 'TOKEN_MALFORMED'],
        [`Basic ${Buffer.from('a:b').toString('base64')}`, 'AUTH_SCHEME_UNSUPPORTED'],
        ['Digest x', 'AUTH_SCHEME_UNSUPPORTED'],
        [`Token ${adaToken.slice(0, -3)}`, 'TOKEN_MALFORMED'],
        [`Token ${flipped}`, 'TOKEN_MALFORMED'],
        [`Token ${'x'.repeat(10_000)}`, 'TOKEN_MALFORMED'],
        [`Token ${mintToken()}`, 'TOKEN_INVALID'],
      ];
      for (const [authorization, code] of cases) {
        assertAuthError(await api({ url: '/api/tokens', headers: { authorization } }), 401, code);
      }
    });

    test('a token of one workspace is refused by another', async () => {
      const response = await api({
        url: '/api/tokens',
        token: adaToken,
        headers: { host: 'acme.weft.test' },
      });
      assertAuthError(response, 401, 'TOKEN_INVALID');
    });

    test('a second Authorization header is 400 AUTH_HEADER_DUPLICATED, even if both are valid', async () => {
      const response = await rawGet(`${url}/api/tokens`, [
        `Authorization: Token ${adaToken}`,
        `Authorization: Token ${adaToken}`,
      ]);
      assertAuthError(response, 400, 'AUTH_HEADER_DUPLICATED');
    });

    test('a credential in the query string is refused and never used', async () => {
      for (const query of [
        `token=${adaToken}`,
        `access_token=${adaToken}`,
        `q=${adaToken}`,
        'api_key=whatever',
      ]) {
        assertAuthError(await api({ url: `/api/tokens?${query}` }), 400, 'TOKEN_IN_QUERY');
        assertAuthError(await api({ url: `/api/tokens?${query}`, token: adaToken }), 400, 'TOKEN_IN_QUERY');
      }
    });

    test('POST creates a token (no body, null or a description) and shows its secret only then', async () => {
      const user = await newUser('create@example.com');
      const token = (await t.tokens.createToken(user)).value;
      const bare = await api({ method: 'POST', url: '/api/tokens', token });
      assert.equal(bare.statusCode, 201, bare.body);
      const created = bare.json();
      assert.deepEqual(Object.keys(created).sort(), [
        'created_at',
        'description',
        'display',
        'id',
        'last_used_at',
        'value',
      ]);
      assert.match(created.value, /^weft_[0-9A-Za-z]{36}$/);
      assert.equal(created.description, null);
      assert.equal(bare.headers['cache-control'], 'no-store');
      const described = await api({
        method: 'POST',
        url: '/api/tokens',
        token,
        payload: { description: 'CI' },
      });
      assert.equal(described.json().description, 'CI');
      const listed = await api({ url: '/api/tokens', token });
      assert.equal(listed.json().length, 3);
      assert.doesNotMatch(listed.body, /weft_[0-9A-Za-z]{36}/, 'no secret in the list');
      assert.deepEqual(Object.keys(listed.json()[0]).sort(), [
        'created_at',
        'description',
        'display',
        'id',
        'last_used_at',
      ]);
      assert.ok(!t.logs.join('\n').includes(created.value), 'the secret never reaches the log');
    });

    test('a 4th token is 409 TOKEN_LIMIT_REACHED saying the limit and how to free a slot', async () => {
      const user = await newUser('limit@example.com');
      const token = (await t.tokens.createToken(user)).value;
      await api({ method: 'POST', url: '/api/tokens', token });
      await api({ method: 'POST', url: '/api/tokens', token });
      const fourth = await api({ method: 'POST', url: '/api/tokens', token });
      assertAuthError(fourth, 409, 'TOKEN_LIMIT_REACHED');
      assert.match(fourth.json().error.message, /3 API tokens.*Delete one/);
      assert.equal((await api({ url: '/api/tokens', token })).json().length, 3);
    });

    test('10 parallel creations for a user with no tokens create exactly 3', async () => {
      const user = await newUser('parallel@example.com');
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => t.tokens.createToken(user)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
      const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      assert.ok(refused.every((r) => r.reason.code === 'TOKEN_LIMIT_REACHED'));
      assert.equal((await t.tokens.listTokens(user)).length, 3);
    });

    test("10 parallel POSTs over HTTP create exactly 3 (counting the caller's own token)", async () => {
      const user = await newUser('parallel-http@example.com');
      const caller = await t.tokens.createToken(user);
      const statuses = await Promise.all(
        Array.from({ length: 10 }, () =>
          fetch(`${url}/api/tokens`, {
            method: 'POST',
            headers: { authorization: `Token ${caller.value}` },
          }).then((r) => r.status),
        ),
      );
      assert.equal(statuses.filter((s) => s === 201).length, 2);
      assert.equal(statuses.filter((s) => s === 409).length, 8);
      assert.equal((await t.tokens.listTokens(user)).length, 3);
    });

    test('a JSON content type with no body is no body; a body that is not JSON is 415 naming application/json', async () => {
      const user = await newUser('bodies@example.com');
      const token = (await t.tokens.createToken(user)).value;
      const created = await api({
        method: 'POST',
        url: '/api/tokens',
        token,
        headers: { 'content-type': 'application/json' },
        payload: '',
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().description, null);
      // curl -d sends a form type; text is not JSON either: neither is read as a command.
      for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
        const refused = await api({
          method: 'POST',
          url: '/api/commands',
          token,
          headers: { 'content-type': type },
          payload: '{"command":"fibery.schema/query"}',
        });
        assert.equal(refused.statusCode, 415, type);
        assert.equal(refused.json().error.code, 'UNSUPPORTED_MEDIA_TYPE');
        assert.match(refused.json().error.message, /application\/json/);
      }
      const charset = await api({
        method: 'POST',
        url: '/api/commands',
        token,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        payload: '{"command":"fibery.schema/query"}',
      });
      assert.equal(charset.json().success, true);
    });

    test('DELETE removes a token, which gets 401 on its very next request', async () => {
      const user = await newUser('delete@example.com');
      const keep = (await t.tokens.createToken(user)).value;
      const doomed = await t.tokens.createToken(user);
      assert.equal((await api({ url: '/api/tokens', token: doomed.value })).statusCode, 200);
      const deleted = await api({ method: 'DELETE', url: `/api/tokens/${doomed.token.id}`, token: keep });
      assert.equal(deleted.statusCode, 204);
      assertAuthError(await api({ url: '/api/tokens', token: doomed.value }), 401, 'TOKEN_INVALID');
      const self = await t.tokens.createToken(user);
      // Clients that send Content-Type: application/json on every request, bodiless DELETE included.
      const json = { 'content-type': 'application/json' };
      assert.equal(
        (
          await api({
            method: 'DELETE',
            url: `/api/tokens/${self.token.id}`,
            token: self.value,
            headers: json,
          })
        ).statusCode,
        204,
      );
      assertAuthError(await api({ url: '/api/tokens', token: self.value }), 401, 'TOKEN_INVALID');
    });

    test("DELETE of an unknown id or another user's token is 404 and changes nothing; a non-UUID is 400", async () => {
      const zedToken = await t.tokens.createToken(zed);
      const other = await t.tokens.createToken(await t.accounts.getUser('demo', 'boss@example.com'));
      for (const id of ['00000000-0000-4000-8000-000000000000', other.token.id, zedToken.token.id]) {
        assertAuthError(
          await api({ method: 'DELETE', url: `/api/tokens/${id}`, token: adaToken }),
          404,
          'TOKEN_NOT_FOUND',
        );
      }
      assertAuthError(
        await api({ method: 'DELETE', url: '/api/tokens/not-a-uuid', token: adaToken }),
        400,
        'VALIDATION_FAILED',
      );
      assert.equal((await api({ url: '/api/tokens', token: other.value })).statusCode, 200);
    });

    test('a malformed request line or header gets the JSON error shape from the parser stage', async () => {
      const response = await rawGet(`${url}/api/tokens`, ['Bad Header Name: x']);
      assert.equal(response.statusCode, 400);
      assert.equal(JSON.parse(response.body).error.code, 'BAD_REQUEST');
      const huge = await rawGet(`${url}/api/tokens`, [`X-Big: ${'x'.repeat(20_000)}`]);
      assert.equal(huge.statusCode, 431);
      assert.equal(JSON.parse(huge.body).error.code, 'HEADERS_TOO_LARGE');
    });

    test('a description over 200 characters, with invisible characters or of the wrong type is 400', async () => {
      for (const payload of [
        { description: 'x'.repeat(201) },
        { description: 5 },
        { other: 1 },
        [1],
        { description: 'CI \u202Etoken' },
      ]) {
        const response = await api({ method: 'POST', url: '/api/tokens', token: adaToken, payload });
        assert.equal(response.statusCode, 400, JSON.stringify(payload));
      }
    });

    test('a deactivated user is refused at once, a reactivated one accepted again', async () => {
      const user = await newUser('off@example.com');
      const { value } = await t.tokens.createToken(user);
      await t.accounts.deactivateUser('demo', 'off@example.com');
      assertAuthError(await api({ url: '/api/tokens', token: value }), 401, 'USER_DEACTIVATED');
      await t.accounts.activateUser('demo', 'off@example.com');
      assert.equal((await api({ url: '/api/tokens', token: value })).statusCode, 200);
    });

    test('last_used_at is written on use, then at most once a minute', async () => {
      const user = await newUser('used@example.com');
      const { value, token } = await t.tokens.createToken(user);
      const lastUsed = async () =>
        (await t.tokens.listTokens(user)).find((x) => x.id === token.id)!.lastUsedAt;
      const settle = async (expected: number | null) => {
        for (let i = 0; i < 50 && (await lastUsed()) !== expected; i++)
          await new Promise((r) => setTimeout(r, 10));
        return lastUsed();
      };
      assert.equal(await lastUsed(), null);
      const first = clock.now();
      await api({ url: '/api/tokens', token: value });
      assert.equal(await settle(first), first);
      clock.advance(30_000);
      await api({ url: '/api/tokens', token: value });
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(await lastUsed(), first, 'not rewritten within a minute');
      clock.advance(31_000);
      await api({ url: '/api/tokens', token: value });
      assert.equal(await settle(clock.now()), clock.now());
    });
  });
}
