/** One option of the server, as `configSchema` declares it. */
export interface OptionSpec<T> {
  /** Environment variable. */
  env: string;
  /** `weft serve` flag, without the leading dashes. */
  flag: string;
  doc: string;
  parse: (raw: string) => T;
  /** The value when unset; a function of the options read before it when it depends on them. */
  default: T | ((earlier: Readonly<Record<string, unknown>>) => T);
  /** How the default reads in the docs, when it is computed. */
  defaultDoc?: string;
  /** Never echoed in errors or logs. */
  secret?: boolean;
}

export function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
/** SQLite's `synchronous` setting (see storage/sqlite). */
export const SQLITE_SYNCHRONOUS = ['full', 'normal'] as const;
/** What the rate limiter does while Redis fails (see ratelimit/limiter.ts). */
export const RATE_LIMIT_FAILURE_MODES = ['closed', 'open-local'] as const;
