// One property for both rate-limit stores: random bursts from many concurrent clients of one
// workspace, then every admission checked against both limits on the store's own clock (µs): never
// more than N in any window-long interval (N + 1 with a tolerance τ, and then never more than N in
// any interval of window − τ), and no request refused while its limits had room.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createMemoryStore, createRedisStore, type Decision } from '../src/ratelimit/index.ts';
import { redisSkip, TEST_REDIS_URL } from './helpers/redis.ts';

interface Limits {
  token: number;
  workspace: number;
}
const FIBERY: Limits = { token: 3, workspace: 7 };
/** Beyond 64 the Redis store keeps sorted sets instead of small arrays. */
const LARGE: Limits = { token: 70, workspace: 90 };

interface Outcome {
  client: number;
  decision: Decision;
}

/** Admissions of the clients `keyOf` groups, per group, in µs. */
function admissions(outcomes: Outcome[], keyOf: (client: number) => string) {
  const groups = new Map<string, number[]>();
  for (const { client, decision } of outcomes) {
    if (!decision.allowed) continue;
    const key = keyOf(client);
    groups.set(key, [...(groups.get(key) ?? []), decision.atUs]);
  }
  for (const times of groups.values()) times.sort((a, b) => a - b);
  return groups;
}

/** At most `limit` admissions in any window-long half-open interval, to the µs. */
function assertAtMost(times: number[], limit: number, windowUs: number, what: string) {
  for (let i = limit; i < times.length; i++) {
    // Interval [times[i-limit], times[i-limit] + window) must not hold times[i] too.
    assert.ok(
      times[i]! - times[i - limit]! >= windowUs,
      `${what}: ${limit + 1} admissions within ${times[i]! - times[i - limit]!} µs (window ${windowUs} µs)`,
    );
  }
}

/** Both bounds of a limit: N + 1 per window and N per window − τ with a tolerance, N per window without. */
function assertNeverOver(
  times: number[],
  limit: number,
  windowUs: number,
  toleranceUs: number,
  what: string,
) {
  assertAtMost(times, limit + (toleranceUs > 0 ? 1 : 0), windowUs, what);
  if (toleranceUs > 0)
    assertAtMost(times, limit, windowUs - toleranceUs, `${what} (window less the tolerance)`);
}

/**
 * A refused request had its refusing limit full (N admissions in (t − window, t]; with a tolerance,
 * N + 1 of them, or N in (t − (window − τ), t]); and its wait is exact: until enough admissions have
 * left for both bounds of both limits to have room.
 */
function assertRefusalsJustified(outcomes: Outcome[], windowUs: number, toleranceUs: number, limits: Limits) {
  const allowed = outcomes.filter((o) => o.decision.allowed);
  const extra = toleranceUs > 0 ? 1 : 0;
  for (const { client, decision } of outcomes) {
    if (decision.allowed) continue;
    const t = decision.atUs;
    const inSpan = (mine: boolean, spanUs: number) =>
      allowed
        .filter((o) => o.decision.atUs <= t && o.decision.atUs > t - spanUs && (!mine || o.client === client))
        .map((o) => o.decision.atUs)
        .sort((x, y) => x - y);
    const waitOf = (mine: boolean, limit: number) => {
      const wide = inSpan(mine, windowUs);
      const narrow = inSpan(mine, windowUs - toleranceUs);
      const cap = limit + extra;
      return Math.max(
        wide.length >= cap ? wide[wide.length - cap]! + windowUs - t : 0,
        extra && narrow.length >= limit ? narrow[narrow.length - limit]! + windowUs - toleranceUs - t : 0,
      );
    };
    const mine = decision.scope !== 'workspace';
    const limit = mine ? limits.token : limits.workspace;
    assert.ok(
      waitOf(mine, limit) > 0,
      `refused by ${decision.scope} at ${t} with ${inSpan(mine, windowUs).length} admissions in the window`,
    );
    const wait = Math.max(waitOf(true, limits.token), waitOf(false, limits.workspace));
    assert.ok(
      Math.abs(decision.retryMs * 1000 - wait) <= 2,
      `refused at ${t}: retry ${decision.retryMs} ms, expected ${wait / 1000} ms`,
    );
  }
}

const scheduleOf = (burst: number) =>
  fc.array(
    fc.record({
      /** Ms after the previous burst. */
      gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 400, noNaN: true })),
      /** Clients (tokens 0–5) sending at once. */
      clients: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: burst }),
    }),
    { minLength: 1, maxLength: 25 },
  );

describe('rate-limit stores: never more than the limits in any window, on their own clocks', () => {
  for (const [name, limits, burst] of [
    ['limits of 3 and 7', FIBERY, 12],
    ['limits of 70 and 90', LARGE, 120],
  ] as const) {
    test(`in process, with a monotonic clock moved by hand: ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          scheduleOf(burst),
          fc.constantFrom(1000, 250),
          fc.constantFrom(0, 0.1),
          async (bursts, windowMs, tolerance) => {
            const toleranceMs = windowMs * tolerance;
            let now = 1_000;
            const store = createMemoryStore({ now: () => now });
            const workspace = randomUUID();
            const outcomes: Outcome[] = [];
            for (const burst of bursts) {
              now += burst.gap;
              for (const client of burst.clients) {
                const decision = store.decide({
                  credential: { key: `t${client}`, limit: limits.token },
                  workspace: { key: workspace, limit: limits.workspace },
                  windowMs,
                  toleranceMs,
                }) as Decision;
                outcomes.push({ client, decision });
                now += 0.001;
              }
            }
            check(outcomes, windowMs, toleranceMs, limits);
          },
        ),
        { numRuns: limits === FIBERY ? 2000 : 300 },
      );
    });
  }

  for (const [name, limits, burst] of [
    ['limits of 3 and 7 (one shared log)', FIBERY, 12],
    ['limits of 70 and 90 (sorted sets)', LARGE, 120],
    ['limits of 3 and 90 (a small array and a sorted set)', { token: 3, workspace: 90 }, 60],
  ] as const) {
    test(`on Redis, with concurrent decisions timed by Redis: ${name}`, { skip: redisSkip }, async () => {
      const store = createRedisStore({ url: TEST_REDIS_URL!, timeoutMs: 2000 });
      assert.equal(await store.ready(), true);
      try {
        await fc.assert(
          fc.asyncProperty(scheduleOf(burst), fc.constantFrom(0, 20), async (bursts, toleranceMs) => {
            // A short window keeps the real-time run short; the property is the same at any window.
            const windowMs = 200;
            const workspace = randomUUID();
            const outcomes: Outcome[] = [];
            for (const b of bursts) {
              await new Promise((resolve) => setTimeout(resolve, b.gap / 2));
              const decisions = await Promise.all(
                b.clients.map((client) =>
                  store.decide({
                    credential: { key: `t${client}`, limit: limits.token },
                    workspace: { key: workspace, limit: limits.workspace },
                    windowMs,
                    toleranceMs,
                  }),
                ),
              );
              for (const [i, decision] of decisions.entries())
                outcomes.push({ client: b.clients[i]!, decision });
            }
            check(outcomes, windowMs, toleranceMs, limits);
          }),
          { numRuns: 30 },
        );
      } finally {
        await store.close();
      }
    });
  }
});

function check(outcomes: Outcome[], windowMs: number, toleranceMs: number, limits: Limits) {
  const windowUs = windowMs * 1000;
  const toleranceUs = toleranceMs * 1000;
  for (const [key, times] of admissions(outcomes, (client) => `t${client}`))
    assertNeverOver(times, limits.token, windowUs, toleranceUs, `token ${key}`);
  for (const times of admissions(outcomes, () => 'workspace').values())
    assertNeverOver(times, limits.workspace, windowUs, toleranceUs, 'workspace');
  assertRefusalsJustified(outcomes, windowUs, toleranceUs, limits);
}
