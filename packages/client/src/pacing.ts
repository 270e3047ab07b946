/**
 * Client-side pacing: a sliding log per limit, so a client never sends more than a limit allows in
 * any window, and so never meets a 429 from a server with the same limits. Fibery's limits are 3
 * requests a second per token and 7 per workspace; a server that says otherwise in its
 * `RateLimit-Policy` field (`"token";q=3;w=1, "workspace";q=7;w=1`) is followed. Windows are shared by
 * every client of the process, keyed by the workspace's origin and by the credential, so two clients
 * of one workspace keep within its limit together. Hand-written: the rate-limit libraries on npm
 * limit a server's callers, not a client's own calls, and none reads the IETF fields.
 */

/**
 * A limit: at most `limit` requests in any `windowMs`.
 *
 * @example
 * const perSecond: Limit = { limit: 3, windowMs: 1000 };
 */
export interface Limit {
  limit: number;
  windowMs: number;
}

/**
 * Fibery's documented limits: 3 requests a second per token, 7 per workspace.
 *
 * @example
 * createClient({ url, token, pacing: { ...FIBERY_LIMITS, token: { limit: 2, windowMs: 1000 } } });
 */
export const FIBERY_LIMITS = { token: { limit: 3, windowMs: 1000 }, workspace: { limit: 7, windowMs: 1000 } };

/**
 * One limit's log. A request counts from when it is sent until a window after its answer came: the
 * server decides somewhere in between, so counting from the answer never undercounts, even when a
 * burst's decisions are spread over the server's time to process it.
 */
class Window {
  limit: number;
  windowMs: number;
  /** Each counted request: when its answer came, or Infinity while it is in flight. */
  readonly sent: { at: number }[] = [];
  /** Nothing is sent before this (a server's Retry-After). */
  blockedUntil = 0;
  /** Callers waiting for an answer to free room, woken by the next one. */
  readonly waiting = new Set<() => void>();
  constructor({ limit, windowMs }: Limit) {
    this.limit = limit;
    this.windowMs = windowMs;
  }
  /** How long to wait before one more request fits, at `now`. */
  wait(now: number, marginMs: number): number {
    for (let i = this.sent.length - 1; i >= 0; i--)
      if (this.sent[i]!.at <= now - this.windowMs - marginMs) this.sent.splice(i, 1);
    let room = 0;
    if (this.sent.length >= this.limit) {
      const earliest = Math.min(...this.sent.map((entry) => entry.at));
      // All in flight: wait for an answer (at most a window, should one never be told).
      room = Number.isFinite(earliest) ? earliest + this.windowMs + marginMs - now : Number.POSITIVE_INFINITY;
    }
    return Math.max(room, this.blockedUntil - now, 0);
  }
}

/**
 * The windows of the process, by key, held weakly: a window lives while a client uses it, so a
 * process that talks to many workspaces or tokens over time does not keep them all.
 */
const windows = new Map<string, WeakRef<Window>>();
let made = 0;

function windowFor(key: string, fallback: Limit): Window {
  let window = windows.get(key)?.deref();
  if (!window) {
    window = new Window(fallback);
    windows.set(key, new WeakRef(window));
    // Now and then, forget the keys whose windows are gone.
    if (++made % 256 === 0) liveWindows();
  }
  return window;
}

/** How many windows are in use, after forgetting those no client holds any more. */
export function liveWindows(): number {
  for (const [key, ref] of windows) if (!ref.deref()) windows.delete(key);
  return windows.size;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface PacerOptions {
  /** Limits until the server says its own; `false` turns pacing off. */
  limits?: { token: Limit; workspace: Limit } | false;
  /** Added to every window, for the network's jitter (ms). */
  marginMs?: number;
  now?: () => number;
}

/** The pacing of one client: its credential's window and its workspace's. */
export interface Pacer {
  /** Resolves when one more request may be sent, and counts it; call the result when its answer came. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Follows the limits a response states, and its Retry-After. */
  observe(headers: Headers, status: number): void;
  /** Blocks both windows for `ms`. */
  block(ms: number): void;
}

export function createPacer(workspaceKey: string, credentialKey: string, options: PacerOptions = {}): Pacer {
  const { limits = FIBERY_LIMITS, marginMs = 25, now = () => Date.now() } = options;
  if (limits === false) return { acquire: async () => () => {}, observe() {}, block() {} };
  const workspace = windowFor(`workspace ${workspaceKey}`, limits.workspace);
  const credential = windowFor(`credential ${workspaceKey} ${credentialKey}`, limits.token);
  return {
    async acquire(signal) {
      for (;;) {
        const at = now();
        const wait = Math.max(workspace.wait(at, marginMs), credential.wait(at, marginMs));
        if (wait <= 0) {
          const entry = { at: Number.POSITIVE_INFINITY };
          workspace.sent.push(entry);
          credential.sent.push(entry);
          return () => {
            // Once: the first call is when the answer's headers came.
            if (entry.at !== Number.POSITIVE_INFINITY) return;
            entry.at = now();
            for (const window of [workspace, credential]) {
              for (const wake of window.waiting) wake();
              window.waiting.clear();
            }
          };
        }
        if (Number.isFinite(wait)) await sleep(wait, signal);
        else
          await answered([workspace, credential], Math.max(workspace.windowMs, credential.windowMs), signal);
      }
    },
    observe(headers, status) {
      for (const policy of parsePolicies(headers.get('ratelimit-policy'))) {
        const window = policy.name === 'workspace' ? workspace : credential;
        window.limit = policy.limit;
        window.windowMs = policy.windowMs;
      }
      if (status === 429) this.block(retryAfterMs(headers) ?? 1000);
    },
    block(ms) {
      const until = now() + ms;
      workspace.blockedUntil = Math.max(workspace.blockedUntil, until);
      credential.blockedUntil = Math.max(credential.blockedUntil, until);
    },
  };
}

/** `"token";q=3;w=1, "workspace";q=7;w=1` (IETF RateLimit-Policy): each limit, by name. */
export function parsePolicies(field: string | null): { name: string; limit: number; windowMs: number }[] {
  if (!field) return [];
  return field.split(',').flatMap((item) => {
    const [rawName, ...params] = item.trim().split(';');
    const values = Object.fromEntries(params.map((p) => p.trim().split('=') as [string, string]));
    const limit = Number(values.q);
    const seconds = Number(values.w ?? 1);
    if (!rawName || !Number.isFinite(limit) || limit <= 0 || !Number.isFinite(seconds) || seconds <= 0)
      return [];
    return [{ name: rawName.replace(/"/g, ''), limit, windowMs: seconds * 1000 }];
  });
}

/** Retry-After in ms: seconds, or an HTTP date. */
export function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Resolves when a request of `windows` is answered, or after `ms`; rejects when `signal` aborts. */
function answered(windows: Window[], ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      for (const window of windows) window.waiting.delete(done);
      resolve();
    };
    const onAbort = () => {
      done();
      reject(signal!.reason);
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    for (const window of windows) window.waiting.add(done);
  });
}

export { sleep };
