/**
 * The in-process store: per key, the timestamps of admitted requests in the current window, read from
 * a monotonic clock (`performance.now()`), so a jump of the wall clock changes nothing. Node runs one
 * decision at a time and nothing here awaits, so checking both keys and then recording both is atomic.
 * Hand-written: no library keeps a sliding log of admissions for two keys at once (the reference
 * compares rate-limiter-flexible, @fastify/rate-limit and GCRA libraries; all overshoot).
 */
import type { Decision, LimitRequest, RateLimitStore } from './store.ts';

export function createMemoryStore({
  now = () => performance.now(),
}: {
  now?: () => number;
} = {}): RateLimitStore {
  const credentials = new Map<string, number[]>();
  const workspaces = new Map<string, number[]>();
  let decisions = 0;
  let nextSweep = 10_000;

  /** The key's admissions still in (t − window, t]. */
  function live(logs: Map<string, number[]>, key: string, t: number, windowMs: number): number[] {
    let log = logs.get(key);
    if (!log) {
      log = [];
      logs.set(key, log);
    }
    let expired = 0;
    while (expired < log.length && log[expired]! <= t - windowMs) expired++;
    if (expired > 0) log.splice(0, expired);
    return log;
  }

  /**
   * Drops keys with nothing in their window, so idle tokens do not accumulate. It runs after as many
   * decisions as there are keys (at least 10,000), so its cost per decision stays constant.
   */
  function sweep(t: number, windowMs: number) {
    for (const logs of [credentials, workspaces])
      for (const [key, log] of logs)
        if (log.length === 0 || log[log.length - 1]! <= t - windowMs) logs.delete(key);
    nextSweep = decisions + Math.max(10_000, credentials.size + workspaces.size);
  }

  return {
    name: 'memory',
    decide({ credential, workspace, windowMs }: LimitRequest): Decision {
      const t = now();
      if (++decisions >= nextSweep) sweep(t, windowMs);
      const c = credential.limit > 0 ? live(credentials, credential.key, t, windowMs) : null;
      const w = workspace.limit > 0 ? live(workspaces, workspace.key, t, windowMs) : null;
      // The admission whose leaving makes room is the (n − limit + 1)-th oldest.
      const wait = (log: number[] | null, limit: number) =>
        log && log.length >= limit ? log[log.length - limit]! + windowMs - t : 0;
      const cWait = wait(c, credential.limit);
      const wWait = wait(w, workspace.limit);
      const allowed = cWait === 0 && wWait === 0;
      if (allowed) {
        c?.push(t);
        w?.push(t);
      }
      const reset = (log: number[] | null) => (log && log.length > 0 ? log[0]! + windowMs - t : 0);
      return {
        allowed,
        scope: allowed ? null : cWait >= wWait ? 'credential' : 'workspace',
        retryMs: Math.max(cWait, wWait),
        remaining: {
          credential: c ? credential.limit - c.length : null,
          workspace: w ? workspace.limit - w.length : null,
        },
        resetMs: { credential: reset(c), workspace: reset(w) },
        atUs: Math.round(t * 1000),
      };
    },
    async close() {
      credentials.clear();
      workspaces.clear();
    },
  };
}
