/**
 * The rate limiter the API routes use: the in-process store, or Redis with what to do when Redis is in
 * trouble. `closed`: refuse with 503 until it answers again. `open-local`: decide in process meanwhile
 * (each instance then limits on its own: up to N × instances in all), logging the switch once and
 * showing it in `/readyz`. The switch comes after 3 decisions in a row that Redis failed (a failed
 * decision alone is decided by the failure mode, the next ones try Redis again). Once switched, Redis
 * is tried again at most once a second, so a dead Redis costs requests nothing, and it is used again
 * as soon as it answers. How long Redis took is measured without the time this process's event loop
 * was held (see redis-store.ts): a busy server is not a failing Redis.
 */
import type { FastifyBaseLogger } from 'fastify';
import { type MonotonicClock, monotonicNow } from '../clock.ts';
import type { RATE_LIMIT_FAILURE_MODES } from '../config/index.ts';
import { createMemoryStore } from './memory-store.ts';
import type { RateLimitMetrics } from './metrics.ts';
import { createRedisStore, RateLimitStoreError, type RedisRateLimitStore } from './redis-store.ts';
import type { Decision, LimitRequest } from './store.ts';

export type FailureMode = (typeof RATE_LIMIT_FAILURE_MODES)[number];

export interface RateLimitOptions {
  credentialLimit: number;
  workspaceLimit: number;
  windowMs: number;
  /** The tolerance τ of store.ts, in ms; 0 for exact limits. */
  toleranceMs: number;
  redisUrl: string | undefined;
  redisTimeoutMs: number;
  redisFailure: FailureMode;
}

export interface LimiterStatus {
  store: 'memory' | 'redis';
  /** `redis`, `local-fallback` (open-local while Redis fails) or `unavailable` (closed while it fails). */
  mode: 'memory' | 'redis' | 'local-fallback' | 'unavailable';
}

const RETRY_REDIS_AFTER_MS = 1000;
/** Failed decisions in a row after which the limiter switches to its failure mode. */
const FAILURES_TO_SWITCH = 3;

export class RateLimitUnavailable extends Error {}

export function createRateLimiter({
  options,
  log,
  metrics,
  now = monotonicNow,
}: {
  options: RateLimitOptions;
  log: FastifyBaseLogger;
  metrics?: RateLimitMetrics;
  /** The monotonic clock of the in-process store (tests move it by hand). */
  now?: MonotonicClock;
}) {
  const local = createMemoryStore({ now });
  let lastRedisError: Error | null = null;
  const redis: RedisRateLimitStore | null = options.redisUrl
    ? createRedisStore({
        url: options.redisUrl,
        timeoutMs: options.redisTimeoutMs,
        onError: (error) => {
          lastRedisError = error;
        },
      })
    : null;
  /** When the limiter switched to its failure mode (monotonic ms); null while Redis answers. */
  let failingSince: number | null = null;
  let failedAt = 0;
  /** Decisions Redis failed in a row: one alone (a lost packet) does not switch modes. */
  let consecutiveFailures = 0;

  function failed(error: Error, { switchNow = false } = {}) {
    metrics?.storeErrors.inc();
    failedAt = performance.now();
    consecutiveFailures++;
    if (failingSince === null && (switchNow || consecutiveFailures >= FAILURES_TO_SWITCH)) {
      failingSince = failedAt;
      metrics?.fallback.set(1);
      log.warn(
        { err: error, mode: options.redisFailure },
        options.redisFailure === 'open-local'
          ? 'Redis does not answer: rate limits are decided in process until it does'
          : 'Redis does not answer: API requests are refused with 503 until it does',
      );
    }
  }

  function recovered() {
    consecutiveFailures = 0;
    if (failingSince !== null) {
      failingSince = null;
      metrics?.fallback.set(0);
      log.info('Redis answers again: rate limits are shared again');
    }
  }

  function fallback(request: LimitRequest): Decision {
    if (options.redisFailure === 'open-local') return local.decide(request) as Decision;
    throw new RateLimitUnavailable('The rate-limit store (Redis) does not answer.');
  }

  return {
    /** The decision for a request: synchronous in process, a promise with Redis. */
    decide(request: LimitRequest): Decision | Promise<Decision> {
      if (!redis) return local.decide(request) as Decision;
      if (failingSince !== null && performance.now() - failedAt < RETRY_REDIS_AFTER_MS)
        return fallback(request);
      return (redis.decide(request) as Promise<Decision>).then(
        (decision) => {
          recovered();
          return decision;
        },
        (error: unknown) => {
          if (!(error instanceof RateLimitStoreError)) throw error;
          failed(error);
          return fallback(request);
        },
      );
    },

    status(): LimiterStatus {
      if (!redis) return { store: 'memory', mode: 'memory' };
      if (failingSince === null) return { store: 'redis', mode: 'redis' };
      return {
        store: 'redis',
        mode: options.redisFailure === 'open-local' ? 'local-fallback' : 'unavailable',
      };
    },

    /** Waits (briefly) for Redis to connect, so the first requests do not count as failures. */
    async ready() {
      if (redis && !(await redis.ready()))
        failed(lastRedisError ?? new RateLimitStoreError('Redis did not connect'), { switchNow: true });
    },

    async close() {
      await local.close();
      await redis?.close();
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
