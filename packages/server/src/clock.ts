/**
 * Time, injected: code that needs the time takes a clock, and tests pass one they move by hand
 * (`createTestClock`) instead of sleeping.
 */

/** Wall-clock time, in ms since the epoch: what is stored and shown (`Date` in production). */
export interface Clock {
  now(): number;
}

/** Elapsed time in ms from an arbitrary origin, never going back: what limits and deadlines measure. */
export type MonotonicClock = () => number;

export const systemClock: Clock = Date;
export const monotonicNow: MonotonicClock = () => performance.now();
