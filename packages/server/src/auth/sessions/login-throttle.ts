/**
 * Login throttling, after OWASP's Authentication Cheat Sheet: an attempt is counted before its
 * password is checked, so parallel guesses cannot slip between a read and a write of the count, and
 * the counts are kept so that an attacker's guesses do not lock the owner out.
 *
 * - From a browser that has logged in to the account before (it carries a device cookie, see
 *   device-cookie.ts), attempts count against that device alone: guesses from elsewhere, or from
 *   behind the same proxy, never lock it out.
 * - Otherwise they count against the account and the client address together (5), the address
 *   (20, whatever the accounts: password spraying) and the account from every address (50: a
 *   guesser spread over many addresses). Guesses from one address lock out that address for that
 *   account; only a guesser spread over ten addresses or more locks out the account's new browsers.
 *
 * Every count lives for a fixed window (15 minutes) from its first attempt. A login that succeeds
 * clears its account-and-address and device counts and takes itself back from the others. Unknown
 * emails are counted like known ones, so the throttle says nothing about which emails have accounts.
 */
import { hash } from 'node:crypto';
import type { Clock } from '../../clock.ts';

export interface ThrottleKey {
  key: string;
  limit: number;
}

/** Where the counts live: in process, or in Redis shared by every instance. */
export interface ThrottleStore {
  /**
   * Counts one attempt against every key, unless one of them has reached its limit: then nothing is
   * counted and it resolves the ms until that count expires. Resolves 0 when counted. Atomic.
   */
  attempt(keys: readonly ThrottleKey[], windowMs: number): Promise<number>;
  /** Takes one attempt back from each of `refund` and deletes the counts of `clear`. */
  succeed(refund: readonly string[], clear: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export const LOGIN_LIMITS = {
  perAccountAndAddress: 5,
  perAddress: 20,
  perAccount: 50,
  perDevice: 10,
  windowMs: 15 * 60_000,
};

export interface LoginAttempt {
  /** The normalised email, whether or not it has an account. */
  account: string;
  address: string;
  /** The id of the trusted device it comes from, if any. */
  device: string | null;
}

/** Short, fixed-length keys that carry no email or address in the clear. */
const id = (text: string) => hash('sha256', text, 'base64url').slice(0, 22);

export function createLoginThrottle({
  store,
  limits = LOGIN_LIMITS,
}: {
  store: ThrottleStore;
  limits?: typeof LOGIN_LIMITS;
}) {
  const keysOf = ({ account, address, device }: LoginAttempt) => {
    if (device) return { device: `d:${id(device)}`, pair: null, address: null, account: null };
    return {
      device: null,
      pair: `p:${id(`${account}\n${address}`)}`,
      address: `i:${id(address)}`,
      account: `a:${id(account)}`,
    };
  };

  return {
    /** Counts an attempt before its password is checked: resolves 0, or the ms to wait when refused. */
    attempt(attempt: LoginAttempt): Promise<number> {
      const keys = keysOf(attempt);
      const limited: ThrottleKey[] = keys.device
        ? [{ key: keys.device, limit: limits.perDevice }]
        : [
            { key: keys.pair!, limit: limits.perAccountAndAddress },
            { key: keys.address!, limit: limits.perAddress },
            { key: keys.account!, limit: limits.perAccount },
          ];
      return store.attempt(limited, limits.windowMs);
    },

    /** After the password matched: the attempt was the owner's, not a guess. */
    succeeded(attempt: LoginAttempt): Promise<void> {
      const keys = keysOf(attempt);
      if (keys.device) return store.succeed([], [keys.device]);
      return store.succeed([keys.address!, keys.account!], [keys.pair!]);
    },

    close: () => store.close(),
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

/** Counts in this process (one instance, or each instance on its own). */
export function createMemoryThrottleStore(clock: Clock): ThrottleStore {
  const counts = new Map<string, { count: number; expiresAt: number }>();

  function current(key: string) {
    const entry = counts.get(key);
    if (entry && entry.expiresAt <= clock.now()) {
      counts.delete(key);
      return undefined;
    }
    return entry;
  }

  function prune() {
    if (counts.size < 100_000) return;
    const now = clock.now();
    for (const [key, entry] of counts) if (entry.expiresAt <= now) counts.delete(key);
  }

  return {
    async attempt(keys, windowMs) {
      // Synchronous from the first read to the last write: no other attempt can come between.
      const now = clock.now();
      let wait = 0;
      for (const { key, limit } of keys) {
        const entry = current(key);
        if (entry && entry.count >= limit) wait = Math.max(wait, entry.expiresAt - now);
      }
      if (wait > 0) return wait;
      prune();
      for (const { key } of keys) {
        const entry = current(key);
        if (entry) entry.count++;
        else counts.set(key, { count: 1, expiresAt: now + windowMs });
      }
      return 0;
    },
    async succeed(refund, clear) {
      for (const key of refund) {
        const entry = current(key);
        if (entry && entry.count > 0) entry.count--;
      }
      for (const key of clear) counts.delete(key);
    },
    async close() {},
  };
}
