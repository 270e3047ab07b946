/**
 * Counts failed logins per account (by normalised email, whether or not it exists, so the throttle
 * says nothing about which emails have accounts) and per client address, in a fixed window. In
 * process: several instances each keep their own counts.
 */
export interface LoginThrottleOptions {
  maxPerAccount: number;
  maxPerAddress: number;
  windowMs: number;
  clock: { now(): number };
}

export function createLoginThrottle({ maxPerAccount, maxPerAddress, windowMs, clock }: LoginThrottleOptions) {
  const failures = new Map<string, { count: number; resetAt: number }>();

  function current(key: string) {
    const entry = failures.get(key);
    if (entry && entry.resetAt <= clock.now()) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  }

  function prune() {
    if (failures.size < 10_000) return;
    const now = clock.now();
    for (const [key, entry] of failures) if (entry.resetAt <= now) failures.delete(key);
  }

  return {
    /** Milliseconds to wait before another attempt is allowed; 0 when one is allowed now. */
    retryAfterMs(account: string, address: string): number {
      const now = clock.now();
      const waits = [
        [current(`account:${account}`), maxPerAccount],
        [current(`address:${address}`), maxPerAddress],
      ] as const;
      let wait = 0;
      for (const [entry, max] of waits)
        if (entry && entry.count >= max) wait = Math.max(wait, entry.resetAt - now);
      return wait;
    },
    recordFailure(account: string, address: string) {
      prune();
      for (const key of [`account:${account}`, `address:${address}`]) {
        const entry = current(key);
        if (entry) entry.count++;
        else failures.set(key, { count: 1, resetAt: clock.now() + windowMs });
      }
    },
    recordSuccess(account: string) {
      failures.delete(`account:${account}`);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
