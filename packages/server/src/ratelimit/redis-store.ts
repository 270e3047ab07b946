/**
 * The shared store: the same sliding log in Redis, one sorted set of admission times per key, checked
 * and recorded for both keys by one Lua script, so a decision is one round trip and atomic across
 * every instance. Time comes from Redis (`TIME`), so instance clocks do not matter; keys expire by
 * themselves one window after their last admission; both keys of a decision carry the workspace as a
 * hash tag (`{ws:<id>}`), so the script also runs on Redis Cluster (a credential belongs to one
 * workspace). Hand-written for the same reason as the memory store, which it mirrors line for line.
 *
 * ioredis is told never to queue commands while disconnected and to reconnect by itself, and each
 * decision is given at most `timeoutMs`: a dead or slow Redis yields an error quickly, never a hang.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Decision, LimitRequest, RateLimitStore } from './store.ts';

const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[3])
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
local counts = { 0, 0 }
local resets = { 0, 0 }
local waits = { 0, 0 }
for i = 1, 2 do
  if limits[i] > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', string.format('%d', now - window))
    local n = redis.call('ZCARD', KEYS[i])
    counts[i] = n
    if n > 0 then
      local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
      resets[i] = tonumber(oldest[2]) + window - now
    end
    if n >= limits[i] then
      local room = redis.call('ZRANGE', KEYS[i], n - limits[i], n - limits[i], 'WITHSCORES')
      waits[i] = tonumber(room[2]) + window - now
    end
  end
end
local allowed = 0
if waits[1] == 0 and waits[2] == 0 then
  allowed = 1
  for i = 1, 2 do
    if limits[i] > 0 then
      redis.call('ZADD', KEYS[i], string.format('%d', now), string.format('%d', now) .. ':' .. ARGV[4])
      redis.call('PEXPIRE', KEYS[i], string.format('%d', math.ceil(window / 1000)))
      counts[i] = counts[i] + 1
      if counts[i] == 1 then resets[i] = window end
    end
  end
end
return { allowed, waits[1], waits[2], counts[1], counts[2], resets[1], resets[2], now }
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
  // Unique per admission even when two land on the same microsecond.
  const nonce = randomBytes(6).toString('base64url');
  let sequence = 0;

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
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new RateLimitStoreError(`Redis did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      let result: ScriptResult;
      try {
        result = await Promise.race([
          redis.weftRateLimit(
            `${prefix}${tag}:c:${credential.key}`,
            `${prefix}${tag}:w`,
            credential.limit,
            workspace.limit,
            Math.round(windowMs * 1000),
            `${nonce}:${++sequence}`,
          ),
          timeout,
        ]);
      } catch (error) {
        if (error instanceof RateLimitStoreError) throw error;
        throw new RateLimitStoreError(`Redis failed: ${(error as Error).message}`, { cause: error });
      } finally {
        clearTimeout(timer);
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
      redis.disconnect();
    },
  };
}
