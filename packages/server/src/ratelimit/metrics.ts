/**
 * Rate-limit counters in the Prometheus text format (prom-client), on a registry of the app's own so
 * that several apps in one process (tests) do not collide.
 */
import { Counter, Gauge, Registry } from 'prom-client';

export function createRateLimitMetrics(registry = new Registry()) {
  // Every API request is admitted or refused, so admissions are counted as plain numbers (a label
  // lookup per request costs more than the rest of the decision) and added to the counter at scrape.
  const admitted = { token: 0, session: 0, oauth: 0 };
  const reported = { token: 0, session: 0, oauth: 0 };
  return {
    registry,
    /** Add one per admitted request, by credential kind. */
    admitted,
    admittedTotal: new Counter({
      name: 'weft_rate_limit_admitted_total',
      help: 'API requests admitted by the rate limits, by credential kind (each also counts against its workspace).',
      labelNames: ['scope'] as const,
      registers: [registry],
      collect() {
        for (const scope of ['token', 'session', 'oauth'] as const) {
          if (admitted[scope] > reported[scope]) this.inc({ scope }, admitted[scope] - reported[scope]);
          reported[scope] = admitted[scope];
        }
      },
    }),
    rejected: new Counter({
      name: 'weft_rate_limit_rejected_total',
      help: 'API requests refused with 429, by the limit that refused them (token, session, oauth or workspace).',
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
