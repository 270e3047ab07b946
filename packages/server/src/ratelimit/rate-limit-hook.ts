/**
 * The `onRequest` hook of the API routes, after authentication: one decision per request against the
 * caller's credential and its workspace, the IETF `RateLimit-Policy` / `RateLimit` fields on every
 * answer (so a client can pace itself), and 429 with `Retry-After` (whole seconds, rounded up, at
 * least 1) and the exact wait in ms when a limit is reached. Callback-style: with the in-process store
 * a decision costs no promise.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { defineErrors } from '../http/errors.ts';
import { type RateLimiter, type RateLimitOptions, RateLimitUnavailable } from './limiter.ts';
import type { RateLimitMetrics } from './metrics.ts';
import type { Decision } from './store.ts';

export const rateLimitErrors = defineErrors('rate limits', {
  RATE_LIMITED: {
    status: 429,
    doc: 'A rate limit was reached: `scope` names it (`token`, `session` or `workspace`), `retry_after_ms` is the exact wait; `Retry-After` says it in whole seconds.',
  },
  RATE_LIMIT_UNAVAILABLE: {
    status: 503,
    doc: 'The shared rate-limit store (Redis) does not answer and WEFT_RATE_LIMIT_REDIS_FAILURE is `closed`.',
  },
});

const seconds = (ms: number) => Math.ceil(ms / 1000 - 1e-9);

export function createRateLimitHook({
  limiter,
  options,
  metrics,
}: {
  limiter: RateLimiter;
  options: Pick<RateLimitOptions, 'credentialLimit' | 'workspaceLimit' | 'windowMs'>;
  metrics: RateLimitMetrics;
}) {
  const w = Math.max(1, seconds(options.windowMs));

  return function rateLimit(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) {
    const { credential, workspace } = request.principal;
    const kind = credential.kind === 'session' ? 'session' : 'token';
    const credentialLimit = options.credentialLimit;
    const workspaceLimit = request.workspace.rateLimit ?? options.workspaceLimit;
    if (credentialLimit === 0 && workspaceLimit === 0) return done();

    const apply = (decision: Decision) => {
      const policies: string[] = [];
      const states: string[] = [];
      const refused = decision.allowed ? null : decision.scope;
      for (const [scope, name, limit] of [
        ['credential', kind, credentialLimit],
        ['workspace', 'workspace', workspaceLimit],
      ] as const) {
        if (limit === 0) continue;
        const remaining = decision.remaining[scope] ?? 0;
        const t = refused === scope ? decision.retryMs : remaining > 0 ? 0 : decision.resetMs[scope];
        policies.push(`"${name}";q=${limit};w=${w}`);
        states.push(`"${name}";r=${Math.max(0, remaining)};t=${seconds(t)}`);
      }
      reply.header('ratelimit-policy', policies.join(', '));
      reply.header('ratelimit', states.join(', '));
      request.log.debug(
        { rateLimit: { admitted: decision.allowed, scope: refused, atUs: decision.atUs } },
        'rate limit decision',
      );
      if (decision.allowed) {
        metrics.admitted.inc({ scope: kind });
        return done();
      }
      const scope = refused === 'workspace' ? 'workspace' : kind;
      metrics.rejected.inc({ scope });
      const limit = refused === 'workspace' ? workspaceLimit : credentialLimit;
      const retryMs = Math.ceil(decision.retryMs);
      done(
        rateLimitErrors.RATE_LIMITED(
          `The ${scope === 'workspace' ? 'workspace' : `${scope}'s`} limit of ${limit} requests per ${options.windowMs} ms is reached; retry in ${retryMs} ms.`,
          {
            scope,
            limit,
            window_ms: options.windowMs,
            retry_after_ms: retryMs,
            retry_after_s: Math.max(1, seconds(retryMs)),
          },
        ),
      );
    };
    const unavailable = () =>
      done(
        rateLimitErrors.RATE_LIMIT_UNAVAILABLE(
          'Rate limits cannot be checked now (Redis does not answer); retry shortly.',
          {
            retry_after_s: 1,
          },
        ),
      );

    let result: Decision | Promise<Decision>;
    try {
      result = limiter.decide({
        credential: { key: `${kind}:${credential.id}`, limit: credentialLimit },
        workspace: { key: workspace.id, limit: workspaceLimit },
        windowMs: options.windowMs,
      });
    } catch (error) {
      if (error instanceof RateLimitUnavailable) return unavailable();
      return done(error as Error);
    }
    if (result instanceof Promise) {
      result.then(apply, (error) => (error instanceof RateLimitUnavailable ? unavailable() : done(error)));
    } else {
      apply(result);
    }
  };
}

export type RateLimitHook = ReturnType<typeof createRateLimitHook>;
