import type { Config } from '../config/index.ts';
import type { RateLimitOptions } from './limiter.ts';

export type { ApiGuard } from '../http/index.ts';
export { createRateLimiter, type RateLimiter, type RateLimitOptions } from './limiter.ts';
export { createMemoryStore } from './memory-store.ts';
export { createRateLimitMetrics, type RateLimitMetrics } from './metrics.ts';
export { createRateLimitHook, rateLimitErrors } from './rate-limit-hook.ts';
export { createRedisStore, RateLimitStoreError } from './redis-store.ts';
export type { Decision, LimitRequest, RateLimitStore } from './store.ts';

export function rateLimitOptionsOf(config: Config): RateLimitOptions {
  return {
    credentialLimit: config.rateLimitToken,
    workspaceLimit: config.rateLimitWorkspace,
    windowMs: config.rateLimitWindowMs,
    toleranceMs: config.rateLimitToleranceMs,
    redisUrl: config.redisUrl,
    redisTimeoutMs: config.rateLimitRedisTimeoutMs,
    redisFailure: config.rateLimitRedisFailure,
  };
}
