/**
 * The rate limiter the API routes use: the in-process store, or Redis with what to do when Redis is in
 * trouble. `closed`: refuse with 503 until it answers again. `open-local`: decide in process meanwhile
 * (each instance then limits on its own: up to N × instances in all), logging the switch once and
 * showing it in `/readyz`. Either way, after a failure Redis is tried again at most once a second, so
 * a dead Redis costs requests nothing, and it is used again as soon as it answers.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RATE_LIMIT_FAILURE_MODES } from '../config/schema.ts';
import { createMemoryStore } from './memory-store.ts';
import type { RateLimitMetrics } from './metrics.ts';
import { createRedisStore, RateLimitStoreError, type RedisRateLimitStore } from './redis-store.ts';
import type { Decision, LimitRequest } from './store.ts';

export type FailureMode = (typeof RATE_LIMIT_FAILURE_MODES)[number];

export interface RateLimitOptions {
  credentialLimit: number;
  workspaceLimit: number;
  windowMs: number;
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

export class RateLimitUnavailable extends Error {}

export function createRateLimiter({
  options,
  log,
  metrics,
  now = () => performance.now(),
}: {
  options: RateLimitOptions;
  log: FastifyBaseLogger;
  metrics?: RateLimitMetrics;
  /** The monotonic clock of the in-process store (tests move it by hand). */
  now?: () => number;
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
  /** When Redis last failed a decision (monotonic ms), while it has not answered since. */
  let failingSince: number | null = null;
  let failedAt = 0;

  function failed(error: Error) {
    metrics?.storeErrors.inc();
    failedAt = performance.now();
    if (failingSince === null) {
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
        failed(lastRedisError ?? new RateLimitStoreError('Redis did not connect'));
    },

    async close() {
      await local.close();
      await redis?.close();
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
