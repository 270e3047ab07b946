/**
 * Login counts in Redis, shared by every instance: one Lua script checks every count of an attempt
 * and counts it, atomically, so parallel guesses spread over instances are counted like guesses to
 * one. Every key carries one hash tag, so the scripts also run on Redis Cluster. Hand-written for the
 * same reason as the rate limiter's store: the decision (refuse without counting when any count is
 * full, else count against all) is ours; rate-limit libraries count refused attempts too.
 *
 * While Redis does not answer, attempts are counted in this process instead (logged once), so a
 * Redis outage neither opens the door to unlimited guesses nor locks everyone out.
 */
import { Redis } from 'ioredis';
import type { ThrottleKey, ThrottleStore } from './login-throttle.ts';

const ATTEMPT = `
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[1]) end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0
`;

const SUCCEED = `
local refunds = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if i <= refunds then
    if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
  else
    redis.call('DEL', key)
  end
end
return 0
`;

export function createRedisThrottleStore({
  url,
  timeoutMs,
  fallback,
  onFallback,
  prefix = 'weft:login:{t}:',
}: {
  url: string;
  /** Longest an attempt waits for Redis before it is counted in process instead. */
  timeoutMs: number;
  /** Where attempts are counted while Redis does not answer. */
  fallback: ThrottleStore;
  onFallback?: (error: Error) => void;
  prefix?: string;
}): ThrottleStore {
  type Commands = {
    weftLoginAttempt(keys: number, ...args: (string | number)[]): Promise<number>;
    weftLoginSucceed(keys: number, ...args: (string | number)[]): Promise<number>;
  };
  // Connected on the first login, so that processes that never see one (the CLI) never connect.
  let redis: Redis | null = null;
  const commands = (): Commands => {
    if (!redis) {
      redis = new Redis(url, {
        enableOfflineQueue: true,
        maxRetriesPerRequest: 0,
        connectTimeout: Math.max(timeoutMs * 4, 500),
        commandTimeout: timeoutMs,
        retryStrategy: (times) => Math.min(times * 50, 1000),
      });
      redis.on('error', () => {});
      redis.defineCommand('weftLoginAttempt', { lua: ATTEMPT });
      redis.defineCommand('weftLoginSucceed', { lua: SUCCEED });
    }
    return redis as unknown as Commands;
  };
  let falling = false;
  function failed(error: Error) {
    if (!falling) onFallback?.(error);
    falling = true;
  }

  return {
    async attempt(keys: readonly ThrottleKey[], windowMs: number) {
      try {
        const wait = await commands().weftLoginAttempt(
          keys.length,
          ...keys.map(({ key }) => prefix + key),
          windowMs,
          ...keys.map(({ limit }) => limit),
        );
        falling = false;
        return Number(wait);
      } catch (error) {
        failed(error as Error);
        return fallback.attempt(keys, windowMs);
      }
    },
    async succeed(refund, clear) {
      try {
        await commands().weftLoginSucceed(
          refund.length + clear.length,
          ...[...refund, ...clear].map((key) => prefix + key),
          refund.length,
        );
      } catch (error) {
        failed(error as Error);
        await fallback.succeed(refund, clear);
      }
    },
    async close() {
      redis?.disconnect();
      await fallback.close();
    },
  };
}
