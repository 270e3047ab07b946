/**
 * The `onRequest` hook of the API routes, after authentication: one decision per request against the
 * caller's credential and its workspace, the IETF `RateLimit-Policy` / `RateLimit` fields on every
 * answer (so a client can pace itself), and 429 with `Retry-After` (whole seconds, rounded up, at
 * least 1) and the exact wait in ms when a limit is reached. Callback-style: with the in-process store
 * a decision costs no promise.
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { defineErrors } from '../errors/index.ts';
import { type RateLimiter, type RateLimitOptions, RateLimitUnavailable } from './limiter.ts';
import type { RateLimitMetrics } from './metrics.ts';
import type { Decision } from './store.ts';

/** The kinds of credential, each with its own limit key and policy name. */
type CredentialKind = 'token' | 'session' | 'oauth';

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
  log,
}: {
  limiter: RateLimiter;
  options: Pick<RateLimitOptions, 'credentialLimit' | 'workspaceLimit' | 'windowMs' | 'toleranceMs'>;
  metrics: RateLimitMetrics;
  log: FastifyBaseLogger;
}) {
  const w = Math.max(1, seconds(options.windowMs));
  // The policy field depends only on the credential's kind and the workspace's limit: built once per
  // workspace limit (the default, and each override in use).
  const policyOf = (kind: CredentialKind, workspaceLimit: number) => {
    const parts = [];
    if (options.credentialLimit > 0) parts.push(`"${kind}";q=${options.credentialLimit};w=${w}`);
    if (workspaceLimit > 0) parts.push(`"workspace";q=${workspaceLimit};w=${w}`);
    return parts.join(', ');
  };
  const policies = new Map<number, Record<CredentialKind, string>>();
  const policyField = (kind: CredentialKind, workspaceLimit: number) => {
    let fields = policies.get(workspaceLimit);
    if (fields === undefined) {
      fields = {
        token: policyOf('token', workspaceLimit),
        session: policyOf('session', workspaceLimit),
        oauth: policyOf('oauth', workspaceLimit),
      };
      if (policies.size > 1000) policies.clear();
      policies.set(workspaceLimit, fields);
    }
    return fields[kind];
  };
  // Read once: the log level is the process's, and asking the logger per request costs more than the
  // decision.
  const logDecisions = log.level === 'debug' || log.level === 'trace';

  /** `"name";r=…;t=…`: the room left, and the seconds until it grows (the wait, if this limit refused). */
  const state = (decision: Decision, scope: 'credential' | 'workspace', name: string) => {
    const remaining = decision.remaining[scope] ?? 0;
    const t = decision.scope === scope ? decision.retryMs : remaining > 0 ? 0 : decision.resetMs[scope];
    return `"${name}";r=${Math.max(0, remaining)};t=${seconds(t)}`;
  };

  // Made once, not as closures per request: the hook runs on every API request.
  function apply(
    request: FastifyRequest,
    reply: FastifyReply,
    done: (error?: Error) => void,
    kind: CredentialKind,
    workspaceLimit: number,
    decision: Decision,
  ) {
    const { credentialLimit } = options;
    reply.header('ratelimit-policy', policyField(kind, workspaceLimit));
    reply.header(
      'ratelimit',
      credentialLimit > 0 && workspaceLimit > 0
        ? `${state(decision, 'credential', kind)}, ${state(decision, 'workspace', 'workspace')}`
        : credentialLimit > 0
          ? state(decision, 'credential', kind)
          : state(decision, 'workspace', 'workspace'),
    );
    if (logDecisions) {
      request.log.debug(
        { rateLimit: { admitted: decision.allowed, scope: decision.scope, atUs: decision.atUs } },
        'rate limit decision',
      );
    }
    if (decision.allowed) {
      metrics.admitted[kind]++;
      return done();
    }
    const scope = decision.scope === 'workspace' ? 'workspace' : kind;
    metrics.rejected.inc({ scope });
    const limit = scope === 'workspace' ? workspaceLimit : credentialLimit;
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
  }

  function failed(done: (error?: Error) => void, error: unknown) {
    if (!(error instanceof RateLimitUnavailable)) return done(error as Error);
    done(
      rateLimitErrors.RATE_LIMIT_UNAVAILABLE(
        'Rate limits cannot be checked now (Redis does not answer); retry shortly.',
        { retry_after_s: 1 },
      ),
    );
  }

  return function rateLimit(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) {
    const { credential, workspace } = request.principal;
    const kind = credential.kind;
    const credentialLimit = options.credentialLimit;
    const workspaceLimit = request.workspace.rateLimit ?? options.workspaceLimit;
    if (credentialLimit === 0 && workspaceLimit === 0) return done();

    let result: Decision | Promise<Decision>;
    try {
      result = limiter.decide({
        credential: { key: `${kind}:${credential.id}`, limit: credentialLimit },
        workspace: { key: workspace.id, limit: workspaceLimit },
        windowMs: options.windowMs,
        toleranceMs: options.toleranceMs,
      });
    } catch (error) {
      return failed(done, error);
    }
    if (result instanceof Promise) {
      result.then(
        (decision) => apply(request, reply, done, kind, workspaceLimit, decision),
        (error) => failed(done, error),
      );
    } else {
      apply(request, reply, done, kind, workspaceLimit, result);
    }
  };
}

export type RateLimitHook = ReturnType<typeof createRateLimitHook>;
