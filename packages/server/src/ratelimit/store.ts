/**
 * What a rate-limit store decides, for one request: whether both of its limits (its credential's and
 * its workspace's) have room, and if so, record it against both at once. Both stores keep a sliding
 * log of admitted requests. Without a tolerance, a request at time t is admitted only if fewer than N
 * admissions of its key fall in (t − window, t]: the only scheme that guarantees "never more than N in
 * any window-long interval" (fixed windows, sliding counters, token buckets and GCRA all admit up to
 * 2N). With a tolerance τ, it is admitted if fewer than N fall in (t − (window − τ), t] and fewer than
 * N + 1 in (t − window, t]: never more than N in any interval of window − τ, never more than N + 1 in
 * any window, and a client sending at N per window whose requests arrive up to τ/2 early or late (the
 * network's jitter) is never refused. Rejected requests are not recorded, so a client retrying too
 * fast is never locked out longer than the window.
 */
export type Scope = 'credential' | 'workspace';

export interface LimitRequest {
  /** The credential's key (token, session, OAuth grant) and its limit; 0 turns it off. */
  credential: { key: string; limit: number };
  /** The workspace's id and its limit; 0 turns it off. */
  workspace: { key: string; limit: number };
  windowMs: number;
  /** The tolerance τ, in ms, less than the window; 0 for the exact limit. */
  toleranceMs: number;
}

export interface Decision {
  allowed: boolean;
  /** The limit that refused the request (the one with the longer wait, if both did). */
  scope: Scope | null;
  /** The exact wait, in ms, until the refusing limit has room; 0 when allowed. */
  retryMs: number;
  /** Room left after this decision (in window − τ); null for a limit that is off. */
  remaining: Record<Scope, number | null>;
  /** Ms until the oldest admission of each limit leaves the window (0 when there is none). */
  resetMs: Record<Scope, number>;
  /** The store's own clock at the decision, in µs: what the admissions are measured with. */
  atUs: number;
}

export interface RateLimitStore {
  readonly name: 'memory' | 'redis';
  decide(request: LimitRequest): Decision | Promise<Decision>;
  close(): Promise<void>;
}
