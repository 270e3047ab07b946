// Rate limits on Redis, and Redis in trouble: a redis-server of the test's own is stopped, restarted
// and slowed down under a running app. `closed` refuses with 503 (and /readyz says so), `open-local`
// limits in process meanwhile; neither waits on a dead or slow Redis longer than the decision
// timeout, and both use Redis again as soon as it answers.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisStore } from '../src/ratelimit/index.ts';
import { backends } from './helpers/backends.ts';
import { freePort, redisSkip, startRedisServer, TEST_REDIS_URL } from './helpers/redis.ts';
import { memberWithToken, startTestApp, type TestApp } from './helpers/test-app.ts';

const sqlite = backends[0]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function appOn(redisUrl: string, failure: 'closed' | 'open-local') {
  const t = await startTestApp(sqlite, {
    config: {
      rateLimitToken: 3,
      rateLimitWorkspace: 7,
      redisUrl,
      rateLimitRedisFailure: failure,
      rateLimitRedisTimeoutMs: 50,
    },
    captureLogs: true,
  });
  const { token } = await memberWithToken(t, 'demo', 'a@example.com');
  const get = () => t.app.inject({ url: '/api/tokens', headers: { authorization: `Token ${token}` } });
  return { t, get, token };
}

const readyz = async (t: TestApp) => {
  const response = await t.app.inject({ url: '/readyz' });
  return { status: response.statusCode, body: response.json() };
};

describe('rate limits on Redis', { skip: redisSkip }, () => {
  test('limits hold across two apps sharing one Redis', async () => {
    const a = await appOn(TEST_REDIS_URL!, 'closed');
    try {
      // A second app on the same storage and Redis: the same token, the same limits.
      const { createApp } = await import('../src/app.ts');
      const { createLogger } = await import('../src/http/logger.ts');
      const b = await createApp({ config: a.t.config, storage: a.t.storage, logger: createLogger('silent') });
      try {
        assert.equal((await a.t.app.inject({ url: '/api/tokens' })).statusCode, 401);
        const codes = [];
        for (let i = 0; i < 4; i++) codes.push((await a.get()).statusCode);
        assert.deepEqual(codes, [200, 200, 200, 429]);
        assert.deepEqual(await readyz(a.t), {
          status: 200,
          body: { status: 'ok', rate_limits: { store: 'redis', mode: 'redis' } },
        });
        // The other app sees the same spent limit: same token, same Redis keys.
        const fromB = await b.inject({ url: '/api/tokens', headers: { authorization: `Token ${a.token}` } });
        assert.equal(fromB.statusCode, 429);
      } finally {
        await b.close();
      }
    } finally {
      await a.t.close();
    }
  });

  test('closed: a dead Redis gets 503 at once, /readyz says so after three failures in a row, and recovery is automatic', async () => {
    const port = await freePort();
    const server = await startRedisServer(port);
    const { t, get } = await appOn(server.url, 'closed');
    try {
      assert.equal((await get()).statusCode, 200);
      await server.stop();
      await sleep(100);
      const started = performance.now();
      const refused = await get();
      assert.ok(performance.now() - started < 1000, 'answered without waiting on Redis');
      assert.equal(refused.statusCode, 503, refused.body);
      assert.equal(refused.json().error.code, 'RATE_LIMIT_UNAVAILABLE');
      assert.equal(refused.headers['retry-after'], '1');
      // One failed decision alone does not switch modes; the third in a row does.
      assert.equal((await readyz(t)).body.rate_limits.mode, 'redis');
      for (let i = 0; i < 2; i++) assert.equal((await get()).statusCode, 503);
      const ready = await readyz(t);
      assert.equal(ready.status, 503);
      assert.equal(ready.body.error.rate_limits.mode, 'unavailable');
      assert.equal(t.logs.filter((line) => line.includes('Redis does not answer:')).length, 1, 'logged once');
      // Redis comes back (empty, as after a restart): within about a second it is used again.
      const again = await startRedisServer(port);
      try {
        let status = 0;
        for (let i = 0; i < 60 && status !== 200; i++) {
          await sleep(100);
          status = (await get()).statusCode;
        }
        assert.equal(status, 200);
        assert.equal((await readyz(t)).body.rate_limits.mode, 'redis');
        assert.ok(t.logs.some((line) => line.includes('Redis answers again')));
      } finally {
        await again.stop();
      }
    } finally {
      await t.close();
    }
  });

  test('open-local: a dead Redis falls back to limits in process, shown in /readyz', async () => {
    const port = await freePort();
    const { t, get } = await appOn(`redis://127.0.0.1:${port}`, 'open-local');
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await get()).statusCode);
      assert.deepEqual(codes, [200, 200, 200, 429], 'the in-process limits still hold');
      assert.deepEqual(await readyz(t), {
        status: 200,
        body: { status: 'ok', rate_limits: { store: 'redis', mode: 'local-fallback' } },
      });
      assert.equal(t.logs.filter((line) => line.includes('Redis does not answer:')).length, 1);
    } finally {
      await t.close();
    }
  });

  test('a Redis that forgot the scripts (SCRIPT FLUSH, a restart, a failover) is sent them again', async () => {
    const port = await freePort();
    const server = await startRedisServer(port);
    const store = createRedisStore({ url: server.url, timeoutMs: 1000 });
    const admin = new Redis(server.url);
    try {
      assert.equal(await store.ready(), true);
      const workspace = randomUUID();
      // Limits of 3 and 7 use the shared log; 3 and 90, the two-key script.
      for (const limit of [7, 90]) {
        const decide = () =>
          store.decide({
            credential: { key: 'token:a', limit: 3 },
            workspace: { key: `${workspace}-${limit}`, limit },
            windowMs: 1000,
            toleranceMs: 0,
          });
        assert.equal((await decide()).allowed, true);
        await admin.script('FLUSH');
        const again = await decide();
        assert.equal(again.allowed, true);
        assert.equal(again.remaining.credential, 1, 'the first admission still counts');
      }
    } finally {
      admin.disconnect();
      await store.close();
      await server.stop();
    }
  });

  test('a paused event loop does not trip the failure mode: replies that came meanwhile count', async () => {
    const { t, get } = await appOn(TEST_REDIS_URL!, 'closed');
    try {
      assert.equal((await get()).statusCode, 200);
      const limiter = t.app.weft.rateLimiter;
      const request = (n: number) => ({
        credential: { key: `token-${randomUUID()}-${n}`, limit: 3 },
        workspace: { key: randomUUID(), limit: 7 },
        windowMs: 1000,
        toleranceMs: 100,
      });
      // Ten decisions in flight, then the process is busy for four times the 50 ms timeout (a long
      // synchronous task): Redis answered long before the event loop could read it.
      const decisions = Array.from({ length: 10 }, (_, n) => limiter.decide(request(n)));
      const busyUntil = performance.now() + 200;
      while (performance.now() < busyUntil);
      for (const decision of await Promise.all(decisions)) assert.equal(decision.allowed, true);
      assert.equal(limiter.status().mode, 'redis');
      assert.equal((await get()).statusCode, 200);
      assert.ok(!t.logs.some((line) => line.includes('Redis does not answer')));
    } finally {
      await t.close();
    }
  });

  test('a slow Redis costs a decision at most the timeout, never a hang', async () => {
    const port = await freePort();
    const server = await startRedisServer(port);
    const { t, get } = await appOn(server.url, 'closed');
    const admin = new Redis(server.url);
    try {
      assert.equal((await get()).statusCode, 200);
      const sleeping = admin.call('DEBUG', 'SLEEP', '0.5').catch(() => {});
      await sleep(20);
      const started = performance.now();
      const refused = await get();
      const took = performance.now() - started;
      assert.equal(refused.statusCode, 503);
      assert.ok(took < 300, `waited ${took.toFixed(0)} ms for a Redis asleep for 500 ms (timeout 50 ms)`);
      await sleeping;
    } finally {
      admin.disconnect();
      await t.close();
      await server.stop();
    }
  });
});
