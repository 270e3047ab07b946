import { type MonotonicClock, monotonicNow } from '../clock.ts';
/**
 * The in-process store: per key, the timestamps of admitted requests in the current window, read from
 * a monotonic clock (`performance.now()`), so a jump of the wall clock changes nothing. Node runs one
 * decision at a time and nothing here awaits, so checking both keys and then recording both is atomic.
 * Hand-written: no library keeps a sliding log of admissions for two keys at once (the reference
 * compares rate-limiter-flexible, @fastify/rate-limit and GCRA libraries; all overshoot).
 */
import type { Decision, LimitRequest, RateLimitStore } from './store.ts';

/**
 * Admission times, oldest first, in a ring: `size` entries from `head`. The capacity is a power of two
 * that grows with the number in the window (never past the limit's), so a decision allocates nothing
 * and drops expired entries by moving `head`; a typed array keeps large logs out of the GC's way.
 */
interface Log {
  times: Float64Array;
  head: number;
  size: number;
}

/** The i-th oldest admission in the log. */
const at = (log: Log, i: number) => log.times[(log.head + i) & (log.times.length - 1)]!;

/** How many admissions of the log are later than `from`, counted from the newest. */
function countAfter(log: Log, from: number): number {
  let count = 0;
  while (count < log.size && at(log, log.size - 1 - count) > from) count++;
  return count;
}

/** Ms until the cap-th newest admission leaves a span of the log's window: when a limit has room. */
function waitOf(log: Log, cap: number, span: number, t: number): number {
  return log.size >= cap ? Math.max(0, at(log, log.size - cap) + span - t) : 0;
}

/**
 * Ms until `log` has room under `limit`: N in the window without a tolerance; with one, N + 1 in the
 * window and N in the window less the tolerance (store.ts). The log holds only the window.
 */
function waitFor(log: Log | null, limit: number, windowMs: number, toleranceMs: number, t: number): number {
  if (!log) return 0;
  if (toleranceMs === 0) return waitOf(log, limit, windowMs, t);
  return Math.max(waitOf(log, limit + 1, windowMs, t), waitOf(log, limit, windowMs - toleranceMs, t));
}

function record(log: Log, t: number) {
  if (log.size === log.times.length) {
    const grown = new Float64Array(log.times.length * 2);
    for (let i = 0; i < log.size; i++) grown[i] = at(log, i);
    log.times = grown;
    log.head = 0;
  }
  log.times[(log.head + log.size) & (log.times.length - 1)] = t;
  log.size++;
}

export function createMemoryStore({ now = monotonicNow }: { now?: MonotonicClock } = {}): RateLimitStore {
  const credentials = new Map<string, Log>();
  const workspaces = new Map<string, Log>();
  let decisions = 0;
  let nextSweep = 10_000;

  /** The key's admissions still in (t − window, t]. */
  function live(logs: Map<string, Log>, key: string, t: number, windowMs: number): Log {
    let log = logs.get(key);
    if (!log) {
      log = { times: new Float64Array(4), head: 0, size: 0 };
      logs.set(key, log);
    }
    while (log.size > 0 && at(log, 0) <= t - windowMs) {
      log.head = (log.head + 1) & (log.times.length - 1);
      log.size--;
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
        if (log.size === 0 || at(log, log.size - 1) <= t - windowMs) logs.delete(key);
    nextSweep = decisions + Math.max(10_000, credentials.size + workspaces.size);
  }

  return {
    name: 'memory',
    decide({ credential, workspace, windowMs, toleranceMs }: LimitRequest): Decision {
      const t = now();
      if (++decisions >= nextSweep) sweep(t, windowMs);
      const c = credential.limit > 0 ? live(credentials, credential.key, t, windowMs) : null;
      const w = workspace.limit > 0 ? live(workspaces, workspace.key, t, windowMs) : null;
      const cWait = waitFor(c, credential.limit, windowMs, toleranceMs, t);
      const wWait = waitFor(w, workspace.limit, windowMs, toleranceMs, t);
      const allowed = cWait === 0 && wWait === 0;
      if (allowed) {
        if (c) record(c, t);
        if (w) record(w, t);
      }
      const reset = (log: Log | null) => (log && log.size > 0 ? at(log, 0) + windowMs - t : 0);
      // The room left is counted in the window less the tolerance.
      const from = t - windowMs + toleranceMs;
      const used = (log: Log) => (toleranceMs > 0 ? countAfter(log, from) : log.size);
      return {
        allowed,
        scope: allowed ? null : cWait >= wWait ? 'credential' : 'workspace',
        retryMs: Math.max(cWait, wWait),
        remaining: {
          credential: c ? credential.limit - used(c) : null,
          workspace: w ? workspace.limit - used(w) : null,
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
