/**
 * Rate limits, each against its baseline side by side (medians of alternating rounds):
 * - the in-process decision (both limits checked and recorded), in µs (target under 2 µs);
 * - Redis decisions per second against raw EVALSHA calls of a no-op script on the same Redis, with
 *   the same number in flight (target ≥ 0.7);
 * - GET /api/tokens end to end with limits on (high enough never to refuse) against limits off, both
 *   in process (target ≥ 0.9), and, for reference, with Redis.
 * Redis parts need BENCH_REDIS_URL (or WEFT_TEST_REDIS_URL); without it they say so.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { createMemoryStore, createRedisStore } from '../packages/server/src/ratelimit/index.ts';
import { median } from './median.ts';

// More, shorter rounds than the other benches: the effects measured here are a few per cent, and a
// round's ratio on these machines varies by ±10%, so the median needs more of them to settle.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.WEFT_TEST_REDIS_URL;
const IN_FLIGHT = 64;

function memoryDecisionMicros(): number {
  const store = createMemoryStore();
  const workspaces = Array.from({ length: 10_000 }, () => randomUUID());
  const n = 2_000_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    store.decide({
      credential: { key: `t${i % 100_000}`, limit: 3 },
      workspace: { key: workspaces[i % 10_000]!, limit: 7 },
      windowMs: 1000,
      toleranceMs: 100,
    });
  }
  return Number(process.hrtime.bigint() - start) / n / 1000;
}

/** Calls `call` with IN_FLIGHT in flight for SECONDS; resolves with calls per second. */
async function throughput(call: (i: number) => Promise<unknown>) {
  const until = performance.now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, lane) => {
      for (let i = lane; performance.now() < until; i += IN_FLIGHT) {
        await call(i);
        done++;
      }
    }),
  );
  return done / SECONDS;
}

/** Alternating rounds of `baseline` and `measured` throughput; prints each round, returns the median ratio. */
async function alternate(
  names: [string, string],
  baseline: (i: number) => Promise<unknown>,
  measured: (i: number) => Promise<unknown>,
) {
  await throughput(baseline);
  await throughput(measured);
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let base: number;
    let value: number;
    if (r % 2 === 0) {
      base = await throughput(baseline);
      value = await throughput(measured);
    } else {
      value = await throughput(measured);
      base = await throughput(baseline);
    }
    ratios.push(value / base);
    console.log(
      `  round ${r + 1}: ${names[0]} ${base.toFixed(0)}/s, ${names[1]} ${value.toFixed(0)}/s, ratio ${(value / base).toFixed(3)}`,
    );
  }
  return median(ratios);
}

/**
 * Decisions against two baselines on the same Redis: a no-op script (the target's baseline), and the
 * Redis calls a decision makes at Fibery's limits (TIME, a GET and a SET … PX of the workspace's log)
 * with no logic between them: the floor of any script that checks and records on Redis's clock.
 */
async function redisComparison(url: string) {
  const store = createRedisStore({ url, timeoutMs: 1000 });
  await store.ready();
  const raw = new Redis(url);
  const noopSha = (await raw.script('LOAD', 'return 1')) as string;
  const floorSha = (await raw.script(
    'LOAD',
    "redis.call('TIME') redis.call('GET', KEYS[2]) redis.call('SET', KEYS[2], 'x', 'PX', 1000) return 1",
  )) as string;
  // Realistic limits and keys: 100,000 tokens over 10,000 workspaces, so nearly every decision admits.
  const workspaces = Array.from({ length: 10_000 }, () => randomUUID());
  const decide = async (i: number) =>
    store.decide({
      credential: { key: `t${i % 100_000}`, limit: 3 },
      workspace: { key: workspaces[i % 10_000]!, limit: 7 },
      windowMs: 1000,
      toleranceMs: 100,
    });
  const keys = (i: number) => [
    `bench:{${workspaces[i % 10_000]}}:c:t${i % 100_000}`,
    `bench:{${workspaces[i % 10_000]}}:w`,
  ];
  const noop = (i: number) => raw.evalsha(noopSha, 2, ...keys(i));
  const floor = (i: number) => raw.evalsha(floorSha, 2, ...keys(i));
  const ratio = await alternate(['no-op EVALSHA', 'decisions'], noop, decide);
  console.log('Against the floor (the same Redis calls without the logic):');
  const ofFloor = await alternate(['floor', 'decisions'], floor, decide);
  console.log(`Redis decisions against the floor: median ratio ${ofFloor.toFixed(3)} (for reference)`);
  raw.disconnect();
  await store.close();
  return ratio;
}

async function startServer(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  const server = spawn(process.execPath, [new URL('./auth-server.ts', import.meta.url).pathname], {
    env: { ...process.env, WEFT_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await createInterface({ input: server.stdout! })[Symbol.asyncIterator]().next();
  const { url, token } = JSON.parse(first.value as string) as { url: string; token: string };
  return {
    url,
    token,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.on('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function load(server: { url: string; token: string }) {
  const result = await autocannon({
    url: `${server.url}/api/tokens`,
    connections: 16,
    duration: SECONDS,
    headers: { authorization: `Token ${server.token}` },
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function endToEnd(name: string, env: Record<string, string>, target: number | null) {
  const HIGH = { WEFT_RATE_LIMIT_TOKEN: '1000000', WEFT_RATE_LIMIT_WORKSPACE: '1000000' };
  const off = await startServer({ WEFT_RATE_LIMIT_TOKEN: '0', WEFT_RATE_LIMIT_WORKSPACE: '0' });
  const on = await startServer({ ...HIGH, ...env });
  try {
    await load(off);
    await load(on);
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // One after the other, alternating which goes first. (Both at once, 8 connections each, was
      // tried: it favoured the second server, limits on, in 7 rounds of 9.)
      const first = r % 2 === 0 ? off : on;
      const second = r % 2 === 0 ? on : off;
      const a = await load(first);
      const b = await load(second);
      const [baseline, measured] = r % 2 === 0 ? [a, b] : [b, a];
      ratios.push(measured / baseline);
      console.log(
        `  round ${r + 1}: limits off ${baseline.toFixed(0)} req/s, on ${measured.toFixed(0)} req/s, ratio ${(measured / baseline).toFixed(3)}`,
      );
    }
    const ratio = median(ratios);
    console.log(
      `${name}: median ratio ${ratio.toFixed(3)}${target === null ? ' (for reference)' : ` (target ≥ ${target}) ${ratio >= target ? 'MET' : 'NOT MET'}`}`,
    );
  } finally {
    await off.stop();
    await on.stop();
  }
}

export async function runRateLimitBench() {
  const micros = median(Array.from({ length: ROUNDS }, () => memoryDecisionMicros()));
  console.log(
    `In-process decision (100,000 tokens, 10,000 workspaces): median ${micros.toFixed(3)} µs (target < 2 µs) ${micros < 2 ? 'MET' : 'NOT MET'}`,
  );
  if (REDIS_URL) {
    console.log(`Redis decisions against no-op EVALSHA calls, ${IN_FLIGHT} in flight:`);
    const ratio = await redisComparison(REDIS_URL);
    console.log(
      `Redis decisions: median ratio ${ratio.toFixed(3)} (target ≥ 0.7) ${ratio >= 0.7 ? 'MET' : 'NOT MET'}`,
    );
  } else {
    console.log('Redis decisions: skipped (set BENCH_REDIS_URL or WEFT_TEST_REDIS_URL)');
  }
  console.log('GET /api/tokens with limits on (never refusing) against limits off, in process:');
  await endToEnd('end to end, in process', {}, 0.9);
  if (REDIS_URL) {
    console.log('The same with the limits on Redis:');
    await endToEnd('end to end, Redis', { REDIS_URL }, null);
  }
}
