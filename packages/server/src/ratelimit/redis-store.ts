/**
 * The shared store: the same sliding log in Redis, checked and recorded for both keys by one Lua
 * script, so a decision is one round trip and atomic across every instance. Each key is a short
 * string of its newest admission times (at most the limit: older ones can never matter), read and
 * written whole: five Redis calls per decision, where a sorted set took nine. Time comes from Redis (`TIME`), so instance clocks do not matter; keys expire by
 * themselves one window after their last admission; both keys of a decision carry the workspace as a
 * hash tag (`{ws:<id>}`), so the script also runs on Redis Cluster (a credential belongs to one
 * workspace). Hand-written for the same reason as the memory store, which it mirrors line for line.
 *
 * ioredis is told never to queue commands while disconnected and to reconnect by itself, and each
 * decision is given at most `timeoutMs`: a dead or slow Redis yields an error quickly, never a hang.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Decision, LimitRequest, RateLimitStore } from './store.ts';

const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[3])
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
local small = tonumber(ARGV[5])
-- A key of a small limit is a string of its newest admissions (at most the limit: older ones can
-- never matter), oldest first, each 16 decimal digits of µs; a key of a large limit, a sorted set.
local W = 16
local function at(s, j) return tonumber(string.sub(s, (j - 1) * W + 1, j * W)) end
local stored = redis.call('MGET', KEYS[1], KEYS[2])
local counts, waits, oldest, firsts = { 0, 0 }, { 0, 0 }, { 0, 0 }, { 1, 1 }
for i = 1, 2 do
  local limit = limits[i]
  if limit > 0 then
    if limit <= small then
      local s = stored[i] or ''
      local n = #s / W
      local first = n + 1
      for j = 1, n do
        if at(s, j) > now - window then
          first = j
          break
        end
      end
      firsts[i] = first
      counts[i] = n - first + 1
      if counts[i] > 0 then oldest[i] = at(s, first) end
      -- Room comes when the (count - limit + 1)-th oldest admission in the window leaves it.
      if counts[i] >= limit then waits[i] = at(s, n - limit + 1) + window - now end
    else
      redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', string.format('%d', now - window))
      local n = redis.call('ZCARD', KEYS[i])
      counts[i] = n
      if n > 0 then oldest[i] = tonumber(redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')[2]) end
      if n >= limit then
        waits[i] = tonumber(redis.call('ZRANGE', KEYS[i], n - limit, n - limit, 'WITHSCORES')[2]) + window - now
      end
    end
  end
end
local allowed = 0
if waits[1] == 0 and waits[2] == 0 then
  allowed = 1
  local ttl = string.format('%d', math.ceil(window / 1000))
  local stamp = string.format('%016d', now)
  for i = 1, 2 do
    local limit = limits[i]
    if limit > 0 then
      if counts[i] == 0 then oldest[i] = now end
      counts[i] = counts[i] + 1
      if limit <= small then
        -- Admitted means fewer than the limit in the window: keep them all, add this one.
        local s = stored[i] or ''
        redis.call('SET', KEYS[i], string.sub(s, (firsts[i] - 1) * W + 1) .. stamp, 'PX', ttl)
      else
        redis.call('ZADD', KEYS[i], stamp, stamp .. ':' .. ARGV[4])
        redis.call('PEXPIRE', KEYS[i], ttl)
      end
    end
  end
end
-- When a limit is full, the time until its oldest admission leaves (for the RateLimit field).
local resets = { 0, 0 }
for i = 1, 2 do
  if limits[i] > 0 and counts[i] >= limits[i] then resets[i] = oldest[i] + window - now end
end
return { allowed, waits[1], waits[2], counts[1], counts[2], resets[1], resets[2], now }
`;

/** Limits up to this keep their log as one small array; larger ones as a sorted set. */
const SMALL_LIMIT = 64;
/** Width of a credential's tag in the shared log. */
const TAG_WIDTH = 48;

/**
 * The usual case in one key: when the workspace has a small limit, its log of admissions (each with a
 * tag of its credential) holds every admission of the window, since there are never more than the
 * limit; so it also answers for each credential. One GET and one SET instead of MGET and two SETs.
 */
const SHARED_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local climit = tonumber(ARGV[1])
local wlimit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local tag = ARGV[4]
-- Entries of 16 decimal digits of µs and a credential tag of ARGV[5] characters, oldest first.
local E = 16 + tonumber(ARGV[5])
local s = redis.call('GET', KEYS[1]) or ''
local n = #s / E
local function at(j) return tonumber(string.sub(s, (j - 1) * E + 1, (j - 1) * E + 16)) end
local first = n + 1
for j = 1, n do
  if at(j) > now - window then
    first = j
    break
  end
end
local wcount = n - first + 1
local mine = {}
if climit > 0 then
  for j = first, n do
    if string.sub(s, (j - 1) * E + 17, j * E) == tag then mine[#mine + 1] = at(j) end
  end
end
local ccount = #mine
local wwait, cwait = 0, 0
-- Room comes when the (count - limit + 1)-th oldest admission in the window leaves it.
if wcount >= wlimit then wwait = at(n - wlimit + 1) + window - now end
if climit > 0 and ccount >= climit then cwait = mine[ccount - climit + 1] + window - now end
local woldest = now
if wcount > 0 then woldest = at(first) end
local coldest = mine[1] or now
local allowed = 0
if wwait == 0 and cwait == 0 then
  allowed = 1
  -- Admitted means fewer than the limit in the window: keep them all, add this one.
  redis.call('SET', KEYS[1], string.sub(s, (first - 1) * E + 1) .. string.format('%016d', now) .. tag, 'PX',
    string.format('%d', math.ceil(window / 1000)))
  wcount = wcount + 1
  ccount = ccount + 1
end
local creset, wreset = 0, 0
if climit > 0 and ccount >= climit then creset = coldest + window - now end
if wcount >= wlimit then wreset = woldest + window - now end
return { allowed, cwait, wwait, ccount, wcount, creset, wreset, now }
`;

export class RateLimitStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RateLimitStoreError';
  }
}

type ScriptResult = [number, number, number, number, number, number, number, number];

interface RedisWithScript extends Redis {
  weftRateLimit(cKey: string, wKey: string, ...args: (string | number)[]): Promise<ScriptResult>;
  weftRateLimitShared(wKey: string, ...args: (string | number)[]): Promise<ScriptResult>;
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
}): RateLimitStore & { redis: Redis; ready(): Promise<boolean> } {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(timeoutMs * 4, 500),
    // Reconnect forever, backing off to 1 s: recovery needs no restart.
    retryStrategy: (times) => Math.min(times * 50, 1000),
    lazyConnect: false,
  }) as RedisWithScript;
  redis.on('error', (error) => onError?.(error));
  redis.defineCommand('weftRateLimit', { numberOfKeys: 2, lua: SCRIPT });
  redis.defineCommand('weftRateLimitShared', { numberOfKeys: 1, lua: SHARED_SCRIPT });
  // A credential's tag in the shared log: its key, padded to a fixed width (`token:<uuid>` and
  // `session:<uuid>` fit); a longer key is replaced by its SHA-256.
  const tagOf = (key: string) =>
    key.length <= TAG_WIDTH
      ? key.padEnd(TAG_WIDTH)
      : createHash('sha256').update(key).digest('base64url').padEnd(TAG_WIDTH);
  // Unique per admission in a sorted set, even when two land on the same microsecond.
  const nonce = randomBytes(6).toString('base64url');
  let sequence = 0;
  const kindOf = (limit: number) => (limit <= SMALL_LIMIT ? 's' : 'z');
  // Deadlines of the decisions in flight, checked by one timer rather than one timer each (a timer per
  // decision cost a measurable share of the throughput). A deadline fires at most `tick` late.
  const pending = new Set<{ deadline: number; reject: (error: Error) => void }>();
  const tick = Math.max(1, Math.min(10, Math.floor(timeoutMs / 5)));
  let timer: NodeJS.Timeout | null = null;
  function check() {
    const t = performance.now();
    for (const entry of pending) {
      if (entry.deadline <= t) {
        pending.delete(entry);
        entry.reject(new RateLimitStoreError(`Redis did not answer within ${timeoutMs} ms`));
      }
    }
    if (pending.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  }
  function withDeadline<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = { deadline: performance.now() + timeoutMs, reject };
      pending.add(entry);
      timer ??= setInterval(check, tick);
      work.then(
        (value) => {
          pending.delete(entry);
          resolve(value);
        },
        (error) => {
          pending.delete(entry);
          reject(error);
        },
      );
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
    async decide({ credential, workspace, windowMs }: LimitRequest): Promise<Decision> {
      const tag = `{ws:${workspace.key}}`;
      let result: ScriptResult;
      const shared = workspace.limit > 0 && workspace.limit <= SMALL_LIMIT && credential.limit <= SMALL_LIMIT;
      try {
        result = await withDeadline(
          shared
            ? redis.weftRateLimitShared(
                `${prefix}${tag}:log`,
                credential.limit,
                workspace.limit,
                Math.round(windowMs * 1000),
                tagOf(credential.key),
                TAG_WIDTH,
              )
            : redis.weftRateLimit(
                `${prefix}${tag}:c:${credential.key}:${kindOf(credential.limit)}`,
                `${prefix}${tag}:w:${kindOf(workspace.limit)}`,
                credential.limit,
                workspace.limit,
                Math.round(windowMs * 1000),
                `${nonce}:${++sequence}`,
                SMALL_LIMIT,
              ),
        );
      } catch (error) {
        if (error instanceof RateLimitStoreError) throw error;
        throw new RateLimitStoreError(`Redis failed: ${(error as Error).message}`, { cause: error });
      }
      const [allowed, cWait, wWait, cCount, wCount, cReset, wReset, now] = result.map(Number);
      return {
        allowed: allowed === 1,
        scope: allowed === 1 ? null : cWait! >= wWait! ? 'credential' : 'workspace',
        retryMs: Math.max(cWait!, wWait!) / 1000,
        remaining: {
          credential: credential.limit > 0 ? credential.limit - cCount! : null,
          workspace: workspace.limit > 0 ? workspace.limit - wCount! : null,
        },
        resetMs: { credential: cReset! / 1000, workspace: wReset! / 1000 },
        atUs: now!,
      };
    },
    async close() {
      if (timer) clearInterval(timer);
      redis.disconnect();
    },
  };
}
