/**
 * Rate-limit counters in the Prometheus text format (prom-client), on a registry of the app's own so
 * that several apps in one process (tests) do not collide.
 */
import { Counter, Gauge, Registry } from 'prom-client';

export function createRateLimitMetrics(registry = new Registry()) {
  return {
    registry,
    admitted: new Counter({
      name: 'weft_rate_limit_admitted_total',
      help: 'API requests admitted by the rate limits, by credential kind (each also counts against its workspace).',
      labelNames: ['scope'] as const,
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'weft_rate_limit_rejected_total',
      help: 'API requests refused with 429, by the limit that refused them (token, session or workspace).',
      labelNames: ['scope'] as const,
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'weft_rate_limit_store_errors_total',
      help: 'Rate-limit decisions the shared store (Redis) failed or did not answer in time.',
      registers: [registry],
    }),
    fallback: new Gauge({
      name: 'weft_rate_limit_store_failing',
      help: '1 while Redis fails and decisions fall back (open-local) or are refused (closed).',
      registers: [registry],
    }),
  };
}

export type RateLimitMetrics = ReturnType<typeof createRateLimitMetrics>;
