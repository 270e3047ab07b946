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
  // Per request only the numbers change: the policy field is built once per combination of limits,
  // and the counters' label sets are bound up front.
  const policyFields = new Map<string, string>();
  const policyField = (kind: string, credentialLimit: number, workspaceLimit: number) => {
    const key = `${kind}:${credentialLimit}:${workspaceLimit}`;
    let field = policyFields.get(key);
    if (field === undefined) {
      const parts = [];
      if (credentialLimit > 0) parts.push(`"${kind}";q=${credentialLimit};w=${w}`);
      if (workspaceLimit > 0) parts.push(`"workspace";q=${workspaceLimit};w=${w}`);
      field = parts.join(', ');
      if (policyFields.size > 1000) policyFields.clear();
      policyFields.set(key, field);
    }
    return field;
  };
  const admitted = { token: metrics.admitted.labels('token'), session: metrics.admitted.labels('session') };

  return function rateLimit(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) {
    const { credential, workspace } = request.principal;
    const kind = credential.kind === 'session' ? 'session' : 'token';
    const credentialLimit = options.credentialLimit;
    const workspaceLimit = request.workspace.rateLimit ?? options.workspaceLimit;
    if (credentialLimit === 0 && workspaceLimit === 0) return done();

    const apply = (decision: Decision) => {
      const refused = decision.allowed ? null : decision.scope;
      const state = (scope: 'credential' | 'workspace', name: string) => {
        const remaining = decision.remaining[scope] ?? 0;
        const t = refused === scope ? decision.retryMs : remaining > 0 ? 0 : decision.resetMs[scope];
        return `"${name}";r=${Math.max(0, remaining)};t=${seconds(t)}`;
      };
      const credentialState = credentialLimit > 0 ? state('credential', kind) : null;
      const workspaceState = workspaceLimit > 0 ? state('workspace', 'workspace') : null;
      reply.header('ratelimit-policy', policyField(kind, credentialLimit, workspaceLimit));
      reply.header(
        'ratelimit',
        credentialState && workspaceState
          ? `${credentialState}, ${workspaceState}`
          : (credentialState ?? workspaceState),
      );
      if (request.log.level === 'debug' || request.log.level === 'trace') {
        request.log.debug(
          { rateLimit: { admitted: decision.allowed, scope: refused, atUs: decision.atUs } },
          'rate limit decision',
        );
      }
      if (decision.allowed) {
        admitted[kind].inc();
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
