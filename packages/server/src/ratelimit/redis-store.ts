/**
 * The shared store: the same sliding log in Redis, checked and recorded by one Lua script, so a
 * decision is one round trip and atomic across every instance. At Fibery's limits (both at most 64)
 * one key per workspace holds its admissions of the window, each tagged with its credential, so it
 * answers for both limits: TIME, GET and SET … PX. Larger limits keep a key per limit (a short string
 * of admission times, or a sorted set). Time comes from Redis (`TIME`), so instance clocks do not
 * matter; keys expire by themselves one window after their last admission; every key of a decision
 * carries the workspace as a hash tag (`{ws:<id>}`), so the scripts also run on Redis Cluster (a
 * credential belongs to one workspace). Hand-written for the same reason as the memory store, which
 * it mirrors.
 *
 * What a decision costs was measured (bench/ratelimit.bench.ts), and shaped the code: scripts go by
 * EVALSHA without ioredis's script wrapper, the reply is one string rather than an array of numbers
 * (faster to decode), zeros are written as literals (Lua's number-to-text conversion is slow), the
 * shared script reads its log inline rather than through local functions (a closure per call cost
 * about 1.5 µs of Redis's time), and tags are 12 characters rather than whole keys.
 *
 * ioredis is told never to queue commands while disconnected and to reconnect by itself, and each
 * decision is given at most `timeoutMs`: a dead or slow Redis yields an error quickly, never a hang.
 */
import { hash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SCRIPT, SHARED_SCRIPT, SMALL_LIMIT, TAG_WIDTH } from './redis-scripts.ts';
import type { Decision, LimitRequest, RateLimitStore } from './store.ts';

export class RateLimitStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RateLimitStoreError';
  }
}

/** A script, sent by its SHA-1 (`EVALSHA`) and whole only when Redis does not know it. */
interface Script {
  lua: string;
  sha: string;
}
const scriptOf = (lua: string): Script => ({ lua, sha: hash('sha1', lua) });
const TWO_KEYS = scriptOf(SCRIPT);
const SHARED = scriptOf(SHARED_SCRIPT);

interface Limits {
  credential: number;
  workspace: number;
}

/** A decision from a script's reply: "allowed cWait wWait cCount wCount cReset wReset now", in µs. */
function decisionOf(reply: string, limits: Limits): Decision {
  const [allowed, cWait, wWait, cCount, wCount, cReset, wReset, now] = reply.split(' ').map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    allowed: allowed === 1,
    scope: allowed === 1 ? null : cWait >= wWait ? 'credential' : 'workspace',
    retryMs: Math.max(cWait, wWait) / 1000,
    remaining: {
      credential: limits.credential > 0 ? limits.credential - cCount : null,
      workspace: limits.workspace > 0 ? limits.workspace - wCount : null,
    },
    resetMs: { credential: cReset / 1000, workspace: wReset / 1000 },
    atUs: now,
  };
}

/** The Redis store, with its connection (for `/readyz` and tests) and a wait for it to connect. */
export interface RedisRateLimitStore extends RateLimitStore {
  redis: Redis;
  ready(): Promise<boolean>;
}

export function createRedisStore({
  url,
  timeoutMs,
  prefix = 'weft:rl:',
  onError,
}: {
  url: string;
  timeoutMs: number;
  prefix?: string;
  /** Connection trouble, for the log (decisions report their own failures). */
  onError?: (error: Error) => void;
}): RedisRateLimitStore {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(timeoutMs * 4, 500),
    // Reconnect forever, backing off to 1 s: recovery needs no restart.
    retryStrategy: (times) => Math.min(times * 50, 1000),
    lazyConnect: false,
  });
  redis.on('error', (error) => onError?.(error));
  // A credential's tag in the shared log: the start of its key's SHA-256. Two credentials of one
  // workspace sharing a tag (odds of 2^-72 a pair) would share a count: stricter, never more lenient.
  const tagOf = (key: string) => hash('sha256', key, 'base64url').slice(0, TAG_WIDTH);
  // Unique per admission in a sorted set, even when two land on the same microsecond.
  const nonce = randomBytes(6).toString('base64url');
  let sequence = 0;
  const kindOf = (limit: number) => (limit <= SMALL_LIMIT ? 's' : 'z');
  // Deadlines of the decisions in flight, checked by one timer rather than one timer each (a timer per
  // decision cost a measurable share of the throughput). A deadline fires at most `tick` late.
  //
  // Redis is judged by its own latency, not the event loop's: when this process was busy for longer
  // than the timeout (a long synchronous task), the replies that came meanwhile wait unread in the
  // socket, and a timer reading the clock first would blame Redis for the stall. So the time the
  // timer itself was late is added to every deadline, and a deadline found past is judged only after
  // the I/O waiting now has been read (`setImmediate`): a reply already there still counts.
  const pending = new Set<{ deadline: number; reject: (error: Error) => void }>();
  const tick = Math.max(1, Math.min(10, Math.floor(timeoutMs / 5)));
  let timer: NodeJS.Timeout | null = null;
  let lastCheck = 0;
  let judging = false;
  function check() {
    const t = performance.now();
    const stalled = t - lastCheck - tick;
    lastCheck = t;
    let due = false;
    for (const entry of pending) {
      // A timer more than a tick late means the event loop was held: not Redis's time.
      if (stalled > tick) entry.deadline += stalled;
      if (entry.deadline <= t) due = true;
    }
    if (due && !judging) {
      judging = true;
      setImmediate(judge);
    }
    if (pending.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  }
  function judge() {
    judging = false;
    const t = performance.now();
    for (const entry of pending) {
      if (entry.deadline <= t) {
        pending.delete(entry);
        entry.reject(new RateLimitStoreError(`Redis did not answer within ${timeoutMs} ms`));
      }
    }
  }
  /**
   * Runs `script` within the deadline and reads its reply: eight numbers, space-separated (one string
   * decodes faster than an array). Resolves with the decision; rejects with a RateLimitStoreError.
   */
  function run(script: Script, keys: number, args: (string | number)[], limits: Limits): Promise<Decision> {
    return new Promise<Decision>((resolve, reject) => {
      const entry = { deadline: performance.now() + timeoutMs, reject };
      pending.add(entry);
      if (!timer) {
        lastCheck = performance.now();
        timer = setInterval(check, tick);
      }
      const fail = (error: Error) => {
        pending.delete(entry);
        reject(new RateLimitStoreError(`Redis failed: ${error.message}`, { cause: error }));
      };
      const settle = (reply: unknown) => {
        if (typeof reply !== 'string') return fail(new Error(`unexpected reply ${JSON.stringify(reply)}`));
        pending.delete(entry);
        resolve(decisionOf(reply, limits));
      };
      redis.evalsha(script.sha, keys, ...args).then(settle, (error: Error) => {
        // A Redis that restarted or failed over has forgotten the script: send it whole.
        if (error.message.startsWith('NOSCRIPT')) redis.eval(script.lua, keys, ...args).then(settle, fail);
        else fail(error);
      });
    });
  }

  const connectTimeout = Math.max(timeoutMs * 4, 500);
  return {
    name: 'redis',
    redis,
    /** Resolves once connected (true), or after the connect timeout (false): never rejects. */
    ready: () =>
      new Promise<boolean>((resolve) => {
        if (redis.status === 'ready') return resolve(true);
        const timer = setTimeout(() => resolve(false), connectTimeout);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      }),
    decide({ credential, workspace, windowMs, toleranceMs }: LimitRequest): Promise<Decision> {
      const tag = `{ws:${workspace.key}}`;
      const limits = { credential: credential.limit, workspace: workspace.limit };
      const window = Math.round(windowMs * 1000);
      const tolerance = Math.round(toleranceMs * 1000);
      const ttl = Math.ceil(windowMs);
      if (workspace.limit > 0 && workspace.limit <= SMALL_LIMIT && credential.limit <= SMALL_LIMIT) {
        const args = [
          `${prefix}${tag}:log:v2`,
          credential.limit,
          workspace.limit,
          window,
          tagOf(credential.key),
          ttl,
          tolerance,
        ];
        return run(SHARED, 1, args, limits);
      }
      const args = [
        `${prefix}${tag}:c:${credential.key}:${kindOf(credential.limit)}`,
        `${prefix}${tag}:w:${kindOf(workspace.limit)}`,
        credential.limit,
        workspace.limit,
        window,
        `${nonce}:${++sequence}`,
        SMALL_LIMIT,
        ttl,
        tolerance,
      ];
      return run(TWO_KEYS, 2, args, limits);
    },
    async close() {
      if (timer) clearInterval(timer);
      redis.disconnect();
    },
  };
}
