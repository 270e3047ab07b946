// Rate limits over HTTP with the in-process store and a monotonic clock moved by hand: Fibery's
// 3 per second per token and 7 per workspace, the IETF RateLimit fields on every API answer, 429 with
// Retry-After and the exact wait, sessions limited like tokens, per-workspace overrides, metrics.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { backends } from './helpers/backends.ts';
import { memberWithToken, startTestApp, type TestApp } from './helpers/test-app.ts';

const sqlite = backends[0]!;
const METRICS_TOKEN = 'metrics-token-0123456789';

describe('rate limits over HTTP (in process)', () => {
  let t: TestApp;
  let now = 10_000;
  const tokens: string[] = [];
  let otherToken = '';

  const get = (token: string) =>
    t.app.inject({ url: '/api/tokens', headers: { authorization: `Token ${token}` } });
  const query = (token: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/commands',
      headers: { authorization: `Token ${token}` },
      payload: {
        command: 'fibery.entity/query',
        args: { query: { 'q/from': 'fibery/user', 'q/select': ['fibery/id'] } },
      },
    });
  /** Moves past every window, so each test starts with all limits free. */
  const rest = () => {
    now += 5_000;
  };

  before(async () => {
    t = await startTestApp(sqlite, {
      config: {
        rateLimitToken: 3,
        rateLimitWorkspace: 7,
        // The exact limits: the tolerance is tested on its own below.
        rateLimitToleranceMs: 0,
        metricsToken: METRICS_TOKEN,
        baseDomain: 'weft.test',
      },
      monotonicClock: () => now,
    });
    await t.accounts.createWorkspace({ slug: 'demo' });
    await t.accounts.createWorkspace({ slug: 'other' });
    for (const email of ['a@example.com', 'b@example.com']) {
      const { user } = await t.accounts.createUser({
        workspace: 'demo',
        email,
        name: email,
        role: 'member',
        password: 'long-password',
      });
      for (let i = 0; i < 3; i++) tokens.push((await t.tokens.createToken(user)).value);
    }
    const { user } = await t.accounts.createUser({
      workspace: 'other',
      email: 'c@example.com',
      name: 'C',
      role: 'member',
      password: 'long-password',
    });
    otherToken = (await t.tokens.createToken(user)).value;
  });
  after(() => t?.close());

  test('3 per token: the 4th request within a second gets 429 with Retry-After and the exact wait', async () => {
    rest();
    for (let i = 0; i < 3; i++) {
      const response = await get(tokens[0]!);
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['ratelimit-policy'], '"token";q=3;w=1, "workspace";q=7;w=1');
      assert.equal(
        response.headers.ratelimit,
        `"token";r=${2 - i};t=${i === 2 ? 1 : 0}, "workspace";r=${6 - i};t=0`,
      );
      now += 100;
    }
    const refused = await get(tokens[0]!);
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.headers.ratelimit, '"token";r=0;t=1, "workspace";r=4;t=0');
    const { error } = refused.json();
    assert.equal(error.code, 'RATE_LIMITED');
    assert.equal(error.scope, 'token');
    assert.equal(error.limit, 3);
    assert.equal(error.window_ms, 1000);
    // The first admission was at +0 ms and it is now +300 ms: 700 ms to wait.
    assert.equal(error.retry_after_ms, 700);
    assert.ok(error.request_id);
    // Refused requests do not count: right after the exact wait, the next one is admitted.
    now += 699;
    assert.equal((await get(tokens[0]!)).statusCode, 429);
    now += 1;
    assert.equal((await get(tokens[0]!)).statusCode, 200);
  });

  test('a steady client at exactly 3 per second, evenly spaced, is never refused', async () => {
    rest();
    // Evenly spaced to the millisecond: +0, +333, +667, +1000, …
    const start = now;
    for (let i = 0; i < 60; i++) {
      now = start + Math.round((i * 1000) / 3);
      const response = await query(tokens[1]!);
      assert.equal(response.statusCode, 200, `request ${i}: ${response.body}`);
    }
  });

  test('7 per workspace across tokens, refused requests count against neither limit', async () => {
    rest();
    const codes: number[] = [];
    for (let round = 0; round < 2; round++)
      for (const token of tokens.slice(0, 6)) codes.push((await get(token)).statusCode);
    assert.deepEqual(codes.filter((code) => code === 200).length, 7);
    const refused = await get(tokens[5]!);
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().error.scope, 'workspace');
    assert.match(String(refused.headers.ratelimit), /"workspace";r=0;t=1/);
    // Another workspace is not affected.
    const other = await t.app.inject({
      url: '/api/tokens',
      headers: { authorization: `Token ${otherToken}`, host: 'other.weft.test' },
    });
    assert.equal(other.statusCode, 200);
    // One window later everything is free again: the refusals were not recorded.
    now += 1000;
    for (const token of tokens.slice(0, 2))
      for (let i = 0; i < 3; i++) assert.equal((await get(token)).statusCode, i < 3 ? 200 : 429);
  });

  test('browser sessions count against the workspace and a per-session limit with the token numbers', async () => {
    rest();
    const page = await t.app.inject({ url: '/login' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const login = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'sec-fetch-site': 'same-origin', cookie: `weft_login=${cookieOf(page, 'weft_login')}` },
      payload: { email: 'a@example.com', password: 'long-password', _csrf: csrf },
    });
    assert.equal(login.statusCode, 303, login.body);
    const cookie = `weft_session=${cookieOf(login, 'weft_session')}`;
    const codes = [];
    for (let i = 0; i < 4; i++) {
      const response = await t.app.inject({
        url: '/api/tokens',
        headers: { cookie, 'sec-fetch-site': 'same-origin' },
      });
      codes.push(response.statusCode);
      if (i === 0)
        assert.equal(response.headers['ratelimit-policy'], '"session";q=3;w=1, "workspace";q=7;w=1');
      if (i === 3) assert.equal(response.json().error.scope, 'session');
    }
    assert.deepEqual(codes, [200, 200, 200, 429]);
    // The session's three used the workspace's room too.
    for (let i = 0; i < 4; i++) assert.equal((await get(tokens[i]!)).statusCode, i < 4 ? 200 : 429);
    const last = await get(tokens[4]!);
    assert.equal(last.statusCode, 429);
    assert.equal(last.json().error.scope, 'workspace');
  });

  test('2,000 concurrent requests of one token within one window: exactly 3 admitted', async () => {
    rest();
    const responses = await Promise.all(Array.from({ length: 2000 }, () => get(tokens[2]!)));
    const codes = responses.map((response) => response.statusCode);
    assert.equal(codes.filter((code) => code === 200).length, 3);
    assert.equal(codes.filter((code) => code === 429).length, 1997);
  });

  test('unauthenticated requests are refused before any limit is spent', async () => {
    rest();
    for (let i = 0; i < 10; i++) assert.equal((await get('weft_bogus')).statusCode, 401);
    assert.equal((await get(tokens[0]!)).statusCode, 200);
  });

  test('GET /metrics counts admitted and refused requests per scope, with its token only', async () => {
    assert.equal((await t.app.inject({ url: '/metrics' })).statusCode, 401);
    assert.equal(
      (await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } }))
        .statusCode,
      401,
    );
    const response = await t.app.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain/);
    assert.match(response.body, /weft_rate_limit_admitted_total\{scope="token"\} \d+/);
    assert.match(response.body, /weft_rate_limit_admitted_total\{scope="session"\} 3/);
    assert.match(response.body, /weft_rate_limit_rejected_total\{scope="token"\} \d+/);
    assert.match(response.body, /weft_rate_limit_rejected_total\{scope="workspace"\} \d+/);
    assert.match(response.body, /weft_rate_limit_rejected_total\{scope="session"\} 1/);
  });
});

describe('rate limits with the default tolerance (100 ms)', () => {
  let t: TestApp;
  let now = 10_000;
  const tokens: string[] = [];

  before(async () => {
    t = await startTestApp(sqlite, {
      config: { rateLimitToken: 3, rateLimitWorkspace: 7 },
      monotonicClock: () => now,
    });
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      const { user, token } = await memberWithToken(t, 'demo', email);
      tokens.push(token, (await t.tokens.createToken(user)).value, (await t.tokens.createToken(user)).value);
    }
  });
  after(() => t?.close());
  const get = (token: string) =>
    t.app.inject({ url: '/api/tokens', headers: { authorization: `Token ${token}` } });

  /** A deterministic jitter in [-50, 50] ms for request `i` (a linear congruential sequence). */
  const jitter = (i: number) => (((i * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648) * 100 - 50;

  /** Sends `count` requests, each `send(i)` at its time; resolves with the statuses, in order. */
  async function paced(count: number, timeOf: (i: number) => number, send: (i: number) => Promise<number>) {
    const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => timeOf(a) - timeOf(b));
    const statuses: number[] = [];
    for (const i of order) {
      now = timeOf(i);
      statuses[i] = await send(i);
    }
    return statuses;
  }

  test('a client sending 3 a second whose requests arrive up to 50 ms early or late is never refused', async () => {
    const start = now + 5000;
    const statuses = await paced(
      600,
      (i) => start + (i * 1000) / 3 + jitter(i),
      async () => (await get(tokens[0]!)).statusCode,
    );
    assert.deepEqual(
      statuses.map((status, i) => [status, i]).filter(([status]) => status !== 200),
      [],
      'no request refused',
    );
    now = start + 250_000;
  });

  test('a workspace sending 7 a second over its tokens, with the same jitter, is never refused', async () => {
    const start = now + 5000;
    const statuses = await paced(
      700,
      (i) => start + (i * 1000) / 7 + jitter(i),
      async (i) => (await get(tokens[i % tokens.length]!)).statusCode,
    );
    assert.equal(statuses.filter((status) => status !== 200).length, 0);
    now = start + 150_000;
  });

  test('bursts are still refused: 3 in any 900 ms, never more than 4 in any second', async () => {
    now += 5000;
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await get(tokens[1]!)).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 429, 429]);
    // Room comes back at 900 ms: a fourth within the second, then no fifth.
    now += 899;
    assert.equal((await get(tokens[1]!)).statusCode, 429);
    now += 1;
    assert.equal((await get(tokens[1]!)).statusCode, 200);
    now += 50;
    assert.equal((await get(tokens[1]!)).statusCode, 429, 'a fifth within 1 s of the first');
  });
});

describe('rate limits and the wall clock', () => {
  test('jumps of the wall clock change nothing: the limiter reads a monotonic clock', async () => {
    let wall = Date.now();
    const t = await startTestApp(sqlite, {
      config: { rateLimitToken: 3, rateLimitWorkspace: 7 },
      clock: { now: () => wall },
    });
    try {
      const { token } = await memberWithToken(t, 'demo', 'a@example.com');
      const codes = [];
      for (const jump of [0, -3_600_000, +7_200_000, -86_400_000]) {
        wall += jump;
        codes.push(
          (await t.app.inject({ url: '/api/tokens', headers: { authorization: `Token ${token}` } }))
            .statusCode,
        );
      }
      assert.deepEqual(codes, [200, 200, 200, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('rate-limit options', () => {
  test('0 turns a limit off; a workspace of its own limit overrides the option', async () => {
    let now = 0;
    const t = await startTestApp(sqlite, {
      config: { rateLimitToken: 0, rateLimitWorkspace: 7 },
      monotonicClock: () => now,
    });
    try {
      const workspace = await t.accounts.createWorkspace({ slug: 'demo' });
      await t.storage.setWorkspaceRateLimit(workspace.id, 2);
      const { token } = await memberWithToken(t, 'demo', 'a@example.com');
      const codes = [];
      for (let i = 0; i < 3; i++) {
        const response = await t.app.inject({
          url: '/api/tokens',
          headers: { authorization: `Token ${token}` },
        });
        codes.push(response.statusCode);
        if (i === 0) assert.equal(response.headers['ratelimit-policy'], '"workspace";q=2;w=1');
      }
      assert.deepEqual(codes, [200, 200, 429]);
      now += 1000;
      await t.storage.setWorkspaceRateLimit(workspace.id, null);
    } finally {
      await t.close();
    }
    const off = await startTestApp(sqlite, { config: { rateLimitToken: 0, rateLimitWorkspace: 0 } });
    try {
      const { token } = await memberWithToken(off, 'demo', 'a@example.com');
      for (let i = 0; i < 20; i++) {
        const response = await off.app.inject({
          url: '/api/tokens',
          headers: { authorization: `Token ${token}` },
        });
        assert.equal(response.statusCode, 200);
        assert.equal(response.headers.ratelimit, undefined);
      }
    } finally {
      await off.close();
    }
  });
});

function cookieOf(response: LightMyRequestResponse, name: string) {
  return response.cookies.find((c) => c.name === name)!.value;
}
