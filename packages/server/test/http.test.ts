import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

function assertErrorBody(body: string, code: string) {
  const parsed = JSON.parse(body);
  assert.equal(parsed.error.code, code);
  assert.equal(typeof parsed.error.message, 'string');
  assert.equal(typeof parsed.error.request_id, 'string');
  assert.doesNotMatch(body, /at .+\.ts:\d+/, 'no stack trace');
}

for (const backend of backends) {
  describe(`HTTP basics on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, {
        config: { bodyLimit: 2048, baseDomain: 'weft.test' },
        captureLogs: true,
        configure(app) {
          app.post('/test/echo', async (request) => request.body);
          app.get('/test/boom', async () => {
            throw new Error('secret internals of the failure');
          });
        },
      });
      await t.accounts.createWorkspace({ slug: 'demo', name: 'Demo' });
      await t.accounts.createWorkspace({ slug: 'acme', name: 'Acme & Co' });
    });
    after(() => t?.close());

    test('GET /healthz and /readyz answer 200', async () => {
      const healthz = await t.app.inject({ url: '/healthz' });
      assert.equal(healthz.statusCode, 200);
      assert.deepEqual(healthz.json(), { status: 'ok' });
      const readyz = await t.app.inject({ url: '/readyz' });
      assert.equal(readyz.statusCode, 200);
      assert.deepEqual(readyz.json(), { status: 'ok', rate_limits: { store: 'memory', mode: 'memory' } });
    });

    test('an unknown route is 404 NOT_FOUND in the JSON error shape', async () => {
      const response = await t.app.inject({ url: '/no/such/route' });
      assert.equal(response.statusCode, 404);
      assertErrorBody(response.body, 'NOT_FOUND');
    });

    test("Fibery's APIs that Weft does not serve yet answer 501 NOT_IMPLEMENTED naming them, any method", async () => {
      for (const [method, url] of [
        ['GET', '/api/documents/00000000-0000-4000-8000-000000000001?format=md'],
        ['POST', '/api/documents/commands?format=md'],
        ['POST', '/api/files'],
        ['GET', '/api/files/secret'],
        ['GET', '/api/webhooks/v2'],
        ['DELETE', '/api/webhooks/v2/5'],
        ['POST', '/api/graphql/space/Cricket'],
      ] as const) {
        const response = await t.app.inject({ method, url });
        assert.equal(response.statusCode, 501, `${method} ${url}`);
        assertErrorBody(response.body, 'NOT_IMPLEMENTED');
        assert.match(response.json().error.feature, /^\/api\//);
      }
    });

    test('a known route with the wrong method is 405 with Allow', async () => {
      const response = await t.app.inject({ method: 'DELETE', url: '/healthz' });
      assert.equal(response.statusCode, 405);
      assert.equal(response.headers.allow, 'GET, HEAD');
      assertErrorBody(response.body, 'METHOD_NOT_ALLOWED');
    });

    test('malformed JSON, or JSON with a __proto__ key, is 400 INVALID_JSON', async () => {
      for (const payload of ['{"a":', 'nul', '{"a": 1} x']) {
        const response = await t.app.inject({
          method: 'POST',
          url: '/test/echo',
          payload,
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(response.statusCode, 400, JSON.stringify(payload));
        assertErrorBody(response.body, 'INVALID_JSON');
      }
      // Prototype poisoning: refused, and said so.
      const poisoned = await t.app.inject({
        method: 'POST',
        url: '/test/echo',
        payload: '{"a": {"__proto__": {"admin": true}}}',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(poisoned.statusCode, 400);
      assertErrorBody(poisoned.body, 'INVALID_JSON');
      assert.match(poisoned.json().error.message, /__proto__/);
    });

    test('a body over the limit is 413 BODY_TOO_LARGE, one within it is accepted', async () => {
      const big = await t.app.inject({
        method: 'POST',
        url: '/test/echo',
        payload: { text: 'x'.repeat(3000) },
      });
      assert.equal(big.statusCode, 413);
      assertErrorBody(big.body, 'BODY_TOO_LARGE');
      const small = await t.app.inject({
        method: 'POST',
        url: '/test/echo',
        payload: { text: 'x'.repeat(100) },
      });
      assert.equal(small.statusCode, 200);
    });

    test('an unsupported content type is 415', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/test/echo',
        payload: '<a/>',
        headers: { 'content-type': 'application/xml' },
      });
      assert.equal(response.statusCode, 415);
      assertErrorBody(response.body, 'UNSUPPORTED_MEDIA_TYPE');
    });

    test('an unexpected failure is a generic 500 that names the request id, with the detail only in the log', async () => {
      const response = await t.app.inject({ url: '/test/boom' });
      assert.equal(response.statusCode, 500);
      assertErrorBody(response.body, 'INTERNAL_ERROR');
      assert.doesNotMatch(response.body, /secret internals/);
      const id = response.json().error.request_id;
      assert.equal(response.headers['x-request-id'], id);
      assert.ok(t.logs.some((line) => line.includes(id) && line.includes('secret internals')));
    });

    test("every response carries the server's own request id; a caller's plain one is logged beside it", async () => {
      const fresh = await t.app.inject({ url: '/healthz' });
      assert.match(String(fresh.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      // A caller cannot choose the id a 500 asks it to quote (another request's, to blur the log).
      const given = await t.app.inject({ url: '/no/route', headers: { 'x-request-id': 'trace-123' } });
      const id = String(given.headers['x-request-id']);
      assert.match(id, /^[0-9a-f-]{36}$/);
      const line = t.logs.find((entry) => entry.includes(id) && entry.includes('callerRequestId'));
      assert.ok(line, 'the caller id is logged with the request');
      assert.equal(JSON.parse(line).callerRequestId, 'trace-123');
      const unplain = await t.app.inject({
        url: '/no/route',
        headers: { 'x-request-id': 'a b\u0001<script>' },
      });
      const unplainId = String(unplain.headers['x-request-id']);
      assert.ok(!t.logs.some((entry) => entry.includes(unplainId) && entry.includes('callerRequestId')));
    });

    test('logs never contain credentials, cookies or query-string values', async () => {
      await t.app.inject({
        url: '/no/such/route?token=QUERY_SECRET&page=2',
        headers: { authorization: 'Token HEADER_SECRET', cookie: 'session=COOKIE_SECRET' },
      });
      const logs = t.logs.join('\n');
      assert.match(logs, /\/no\/such\/route\?token=\[redacted\]&page=\[redacted\]/);
      for (const secret of ['QUERY_SECRET', 'HEADER_SECRET', 'COOKIE_SECRET'])
        assert.doesNotMatch(logs, new RegExp(secret));
    });

    test('/openapi.json is an OpenAPI 3.1 document describing the routes', async () => {
      const response = await t.app.inject({ url: '/openapi.json' });
      assert.equal(response.statusCode, 200);
      const document = response.json();
      assert.equal(document.openapi, '3.1.0');
      assert.ok(document.paths['/healthz'].get);
      assert.ok(document.paths['/readyz'].get);
    });

    test('the host selects the workspace: a subdomain its own, any other host the default', async () => {
      const acme = await t.app.inject({ url: '/login', headers: { host: 'acme.weft.test:3000' } });
      assert.equal(acme.statusCode, 200);
      assert.match(acme.body, /<h1>Log in to Acme &amp; Co<\/h1>/);
      const local = await t.app.inject({ url: '/login', headers: { host: 'localhost:3000' } });
      assert.match(local.body, /<h1>Log in to Demo<\/h1>/);
    });

    test('an unknown workspace is 404 WORKSPACE_NOT_FOUND naming it', async () => {
      const response = await t.app.inject({ url: '/login', headers: { host: 'ghost.weft.test' } });
      assert.equal(response.statusCode, 404);
      assertErrorBody(response.body, 'WORKSPACE_NOT_FOUND');
      assert.match(response.json().error.message, /"ghost"/);
    });
  });
}

describe('readiness', () => {
  test('/readyz is 503 NOT_READY when the storage does not answer, while /healthz stays 200', async () => {
    const t = await startTestApp(backends[0]!);
    await t.storage.close();
    const ready = await t.app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assertErrorBody(ready.body, 'NOT_READY');
    assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
    await t.close();
  });
});
