/**
 * The in-process store: per key, the timestamps of admitted requests in the current window, read from
 * a monotonic clock (`performance.now()`), so a jump of the wall clock changes nothing. Node runs one
 * decision at a time and nothing here awaits, so checking both keys and then recording both is atomic.
 * Hand-written: no library keeps a sliding log of admissions for two keys at once (the reference
 * compares rate-limiter-flexible, @fastify/rate-limit and GCRA libraries; all overshoot).
 */
import type { Decision, LimitRequest, RateLimitStore } from './store.ts';

/** Admission times, oldest first; those before `head` have left the window. */
interface Log {
  times: number[];
  head: number;
}

export function createMemoryStore({
  now = () => performance.now(),
}: {
  now?: () => number;
} = {}): RateLimitStore {
  const credentials = new Map<string, Log>();
  const workspaces = new Map<string, Log>();
  let decisions = 0;
  let nextSweep = 10_000;

  /** The key's admissions still in (t − window, t]: `times` from `head` on. */
  function live(logs: Map<string, Log>, key: string, t: number, windowMs: number): Log {
    let log = logs.get(key);
    if (!log) {
      log = { times: [], head: 0 };
      logs.set(key, log);
    }
    const { times } = log;
    while (log.head < times.length && times[log.head]! <= t - windowMs) log.head++;
    // Drop the expired prefix now and then, so each decision costs O(1) however large the limit.
    if (log.head > 32 && log.head * 2 > times.length) {
      times.splice(0, log.head);
      log.head = 0;
    }
    return log;
  }

  /**
   * Drops keys with nothing in their window, so idle tokens do not accumulate. It runs after as many
   * decisions as there are keys (at least 10,000), so its cost per decision stays constant.
   */
  function sweep(t: number, windowMs: number) {
    for (const logs of [credentials, workspaces])
      for (const [key, log] of logs)
        if (log.head === log.times.length || log.times[log.times.length - 1]! <= t - windowMs)
          logs.delete(key);
    nextSweep = decisions + Math.max(10_000, credentials.size + workspaces.size);
  }

  return {
    name: 'memory',
    decide({ credential, workspace, windowMs }: LimitRequest): Decision {
      const t = now();
      if (++decisions >= nextSweep) sweep(t, windowMs);
      const c = credential.limit > 0 ? live(credentials, credential.key, t, windowMs) : null;
      const w = workspace.limit > 0 ? live(workspaces, workspace.key, t, windowMs) : null;
      const size = (log: Log | null) => (log ? log.times.length - log.head : 0);
      // The admission whose leaving makes room is the (n − limit + 1)-th oldest.
      const wait = (log: Log | null, limit: number) =>
        log && size(log) >= limit ? log.times[log.times.length - limit]! + windowMs - t : 0;
      const cWait = wait(c, credential.limit);
      const wWait = wait(w, workspace.limit);
      const allowed = cWait === 0 && wWait === 0;
      if (allowed) {
        c?.times.push(t);
        w?.times.push(t);
      }
      const reset = (log: Log | null) => (log && size(log) > 0 ? log.times[log.head]! + windowMs - t : 0);
      return {
        allowed,
        scope: allowed ? null : cWait >= wWait ? 'credential' : 'workspace',
        retryMs: Math.max(cWait, wWait),
        remaining: {
          credential: c ? credential.limit - size(c) : null,
          workspace: w ? workspace.limit - size(w) : null,
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
