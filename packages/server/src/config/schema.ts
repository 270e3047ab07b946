/**
 * Every option of the server: its environment variable, its `weft serve` flag, its type (the parser),
 * its default and a one-line doc. This is the single source: the loader reads it, docs/configuration.md
 * is generated from it (`npm run docs`), and a test checks the two agree.
 */
import {
  InvalidValue,
  parseBoolean,
  parseDatabaseUrl,
  parseHostname,
  parseHttpUrl,
  parseInteger,
  parseOneOf,
  parseOrigin,
  parseRedisUrl,
  parseSecretKey,
  parseSlug,
  parseString,
} from './parsers.ts';

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

function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
/** SQLite's `synchronous` setting (see storage/sqlite). */
export const SQLITE_SYNCHRONOUS = ['full', 'normal'] as const;
/** What the rate limiter does while Redis fails (see ratelimit/limiter.ts). */
export const RATE_LIMIT_FAILURE_MODES = ['closed', 'open-local'] as const;

export const configSchema = {
  port: option({
    env: 'PORT',
    flag: 'port',
    doc: 'TCP port to listen on (0 picks a free one).',
    parse: parseInteger(0, 65535),
    default: 3000,
  }),
  host: option({
    env: 'HOST',
    flag: 'host',
    doc: 'Address to listen on; `0.0.0.0` or `::` to accept connections from other machines.',
    parse: parseString,
    default: '127.0.0.1',
  }),
  dataDir: option({
    env: 'WEFT_DATA_DIR',
    flag: 'data-dir',
    doc: 'Folder for the SQLite database (created if missing).',
    parse: parseString,
    default: './data',
  }),
  databaseUrl: option<string | undefined>({
    env: 'DATABASE_URL',
    flag: 'database-url',
    doc: 'A `postgres://` URL selects PostgreSQL; unset means SQLite in WEFT_DATA_DIR.',
    parse: parseDatabaseUrl,
    default: undefined,
    secret: true,
  }),
  redisUrl: option<string | undefined>({
    env: 'REDIS_URL',
    flag: 'redis-url',
    doc: 'A `redis://` URL for state shared between instances (rate limits); unset means in-process.',
    parse: parseRedisUrl,
    default: undefined,
    secret: true,
  }),
  publicUrl: option({
    env: 'WEFT_PUBLIC_URL',
    flag: 'public-url',
    doc: 'External base URL of the server, used in links and printed at start.',
    parse: parseHttpUrl,
    default: (earlier) => `http://localhost:${earlier.port}`,
    defaultDoc: 'http://localhost:PORT',
  }),
  issuer: option({
    env: 'WEFT_ISSUER',
    flag: 'issuer',
    doc: 'The OAuth 2.0 issuer: the origin that serves `/oauth2/*`, discovery and the keys; may be a host of its own.',
    parse: parseOrigin,
    // When WEFT_PUBLIC_URL itself is invalid, that is the error reported; this value is never used.
    default: (earlier) =>
      URL.canParse(String(earlier.publicUrl))
        ? new URL(String(earlier.publicUrl)).origin
        : 'http://localhost',
    defaultDoc: 'the origin of WEFT_PUBLIC_URL',
  }),
  secretKey: option<string | undefined>({
    env: 'WEFT_SECRET_KEY',
    flag: 'secret-key',
    doc: 'A secret of 32 characters or more: when set, the OAuth signing and cookie keys are stored encrypted with it.',
    parse: parseSecretKey,
    default: undefined,
    secret: true,
  }),
  oauthCodeTtl: option({
    env: 'WEFT_OAUTH_CODE_TTL',
    flag: 'oauth-code-ttl',
    doc: 'Seconds an OAuth authorization code may be redeemed in.',
    parse: parseInteger(1, 600),
    default: 60,
  }),
  oauthAccessTokenTtl: option({
    env: 'WEFT_OAUTH_ACCESS_TOKEN_TTL',
    flag: 'oauth-access-token-ttl',
    doc: 'Seconds an OAuth access token lives.',
    parse: parseInteger(60, 86_400),
    default: 3600,
  }),
  oauthRefreshTokenIdleTtl: option({
    env: 'WEFT_OAUTH_REFRESH_TOKEN_IDLE_TTL',
    flag: 'oauth-refresh-token-idle-ttl',
    doc: 'Seconds an unused OAuth refresh token lives (each refresh issues a new one).',
    parse: parseInteger(60, 31_536_000),
    default: 2_592_000,
  }),
  oauthRefreshTokenAbsoluteTtl: option({
    env: 'WEFT_OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL',
    flag: 'oauth-refresh-token-absolute-ttl',
    doc: 'Seconds after consent at which an app must ask the user again, however often it refreshed.',
    parse: parseInteger(60, 31_536_000),
    default: 2_592_000,
  }),
  oauthRequirePkce: option({
    env: 'WEFT_OAUTH_REQUIRE_PKCE',
    flag: 'oauth-require-pkce',
    doc: 'Require PKCE (S256) from every app; without it, only public apps must use it.',
    parse: parseBoolean,
    default: false,
  }),
  baseDomain: option<string | undefined>({
    env: 'WEFT_BASE_DOMAIN',
    flag: 'base-domain',
    doc: 'Serve workspaces as subdomains: host `{slug}.{WEFT_BASE_DOMAIN}` selects workspace `slug` (`acme.localhost:3000`, which browsers and curl resolve to this machine).',
    parse: parseHostname,
    // The public URL's host name, unless it is an IP address (which has no subdomains).
    default: (earlier) => {
      if (!URL.canParse(String(earlier.publicUrl))) return undefined;
      const host = new URL(String(earlier.publicUrl)).hostname;
      return /^[\d.]+$|^\[/.test(host) ? undefined : host;
    },
    defaultDoc: 'the host name of WEFT_PUBLIC_URL (`localhost`)',
  }),
  defaultWorkspace: option({
    env: 'WEFT_DEFAULT_WORKSPACE',
    flag: 'default-workspace',
    doc: 'Workspace served on any host that is not a workspace subdomain; created on first start.',
    parse: parseSlug,
    default: 'demo',
  }),
  bodyLimit: option({
    env: 'WEFT_BODY_LIMIT',
    flag: 'body-limit',
    doc: 'Largest accepted request body, in bytes; larger bodies get 413.',
    parse: parseInteger(1024, 1024 * 1024 * 1024),
    default: 1024 * 1024,
  }),
  logFormat: option<(typeof LOG_FORMATS)[number]>({
    env: 'WEFT_LOG_FORMAT',
    flag: 'log-format',
    doc: '`json`: one JSON object per line; `pretty`: one readable line per request; `auto`: pretty on a terminal, JSON otherwise.',
    parse: parseOneOf(LOG_FORMATS),
    default: 'auto',
  }),
  credentialsFile: option<string | undefined>({
    env: 'WEFT_CREDENTIALS_FILE',
    flag: 'credentials-file',
    doc: "On the first start, also write the administrator's email, password and API token to this file, readable only by its owner.",
    parse: parseString,
    default: undefined,
  }),
  logLevel: option({
    env: 'WEFT_LOG_LEVEL',
    flag: 'log-level',
    doc: `Log level of the logs on stdout: ${LOG_LEVELS.join(', ')}.`,
    parse: parseOneOf(LOG_LEVELS),
    default: 'info',
  }),
  trustProxy: option({
    env: 'WEFT_TRUST_PROXY',
    flag: 'trust-proxy',
    doc: 'Take the client address from X-Forwarded-For (only behind a proxy that sets it); used by login throttling.',
    parse: parseBoolean,
    default: false,
  }),
  rateLimitToken: option({
    env: 'WEFT_RATE_LIMIT_TOKEN',
    flag: 'rate-limit-token',
    doc: 'API requests admitted per window for each credential (API token or browser session; Fibery: 3); 0 turns it off.',
    parse: parseInteger(0, 1_000_000),
    default: 3,
  }),
  rateLimitWorkspace: option({
    env: 'WEFT_RATE_LIMIT_WORKSPACE',
    flag: 'rate-limit-workspace',
    doc: 'API requests admitted per window for each workspace, all credentials together (Fibery: 7); 0 turns it off. `weft workspace update --rate-limit` overrides it per workspace.',
    parse: parseInteger(0, 1_000_000),
    default: 7,
  }),
  rateLimitWindowMs: option({
    env: 'WEFT_RATE_LIMIT_WINDOW_MS',
    flag: 'rate-limit-window-ms',
    doc: 'The rate-limit window, in ms: at most the limit in any interval this long (a sliding log).',
    parse: parseInteger(1, 3_600_000),
    default: 1000,
  }),
  rateLimitToleranceMs: option({
    env: 'WEFT_RATE_LIMIT_TOLERANCE_MS',
    flag: 'rate-limit-tolerance-ms',
    doc: 'Jitter forgiven: at most N in any window less this, N + 1 in any window, so a client pacing itself at the limit is never refused for requests arriving up to half this early or late; 0 is the exact limit. Below the window.',
    parse: parseInteger(0, 3_600_000),
    default: 100,
  }),
  rateLimitRedisTimeoutMs: option({
    env: 'WEFT_RATE_LIMIT_REDIS_TIMEOUT_MS',
    flag: 'rate-limit-redis-timeout-ms',
    doc: 'Longest a rate-limit decision waits for Redis before it counts as failed.',
    parse: parseInteger(1, 60_000),
    default: 50,
  }),
  rateLimitRedisFailure: option<(typeof RATE_LIMIT_FAILURE_MODES)[number]>({
    env: 'WEFT_RATE_LIMIT_REDIS_FAILURE',
    flag: 'rate-limit-redis-failure',
    doc: 'While Redis fails: `closed` refuses API requests with 503; `open-local` limits each instance on its own.',
    parse: parseOneOf(RATE_LIMIT_FAILURE_MODES),
    default: 'closed',
  }),
  metricsToken: option<string | undefined>({
    env: 'WEFT_METRICS_TOKEN',
    flag: 'metrics-token',
    doc: 'Bearer token for `GET /metrics` (Prometheus text); unset, `/metrics` answers 404.',
    parse: (raw: string) => {
      if (raw.length < 16) throw new InvalidValue('must be at least 16 characters');
      return raw;
    },
    default: undefined,
    secret: true,
  }),
  tokenLimit: option({
    env: 'WEFT_TOKEN_LIMIT',
    flag: 'token-limit',
    doc: 'Most API tokens one user may have at once (Fibery: 3).',
    parse: parseInteger(1, 100),
    default: 3,
  }),
  sessionIdleTimeout: option({
    env: 'WEFT_SESSION_IDLE_TIMEOUT',
    flag: 'session-idle-timeout',
    doc: 'Seconds without a request after which a browser session ends.',
    parse: parseInteger(60, 31_536_000),
    default: 86_400,
  }),
  sessionAbsoluteTimeout: option({
    env: 'WEFT_SESSION_ABSOLUTE_TIMEOUT',
    flag: 'session-absolute-timeout',
    doc: 'Seconds after login at which a browser session ends however active it is.',
    parse: parseInteger(60, 31_536_000),
    default: 2_592_000,
  }),
  queryDefaultLimit: option({
    env: 'WEFT_QUERY_DEFAULT_LIMIT',
    flag: 'query-default-limit',
    doc: 'Rows a `fibery.entity/query` returns when it gives no `q/limit`.',
    parse: parseInteger(1, 1_000_000),
    default: 100,
  }),
  queryMaxLimit: option({
    env: 'WEFT_QUERY_MAX_LIMIT',
    flag: 'query-max-limit',
    doc: 'Largest `q/limit` accepted (`q/no-limit` is allowed too); Fibery documents pages of 1000 (+1).',
    parse: parseInteger(1, 1_000_000),
    default: 10_000,
  }),
  maxCommandsPerRequest: option({
    env: 'WEFT_MAX_COMMANDS_PER_REQUEST',
    flag: 'max-commands-per-request',
    doc: 'Most commands one `/api/commands` request may carry (an array, or a `fibery.command/batch`).',
    parse: parseInteger(1, 100_000),
    default: 1000,
  }),
  headersTimeoutMs: option({
    env: 'WEFT_HEADERS_TIMEOUT_MS',
    flag: 'headers-timeout-ms',
    doc: "Longest a connection may take to send a request's headers (a silent connection is closed then).",
    parse: parseInteger(100, 3_600_000),
    default: 10_000,
  }),
  requestTimeoutMs: option({
    env: 'WEFT_REQUEST_TIMEOUT_MS',
    flag: 'request-timeout-ms',
    doc: 'Longest a whole request (headers and body) may take to arrive; then 408 and the connection is closed. At least WEFT_HEADERS_TIMEOUT_MS.',
    parse: parseInteger(100, 3_600_000),
    default: 30_000,
  }),
  keepAliveTimeoutMs: option({
    env: 'WEFT_KEEP_ALIVE_TIMEOUT_MS',
    flag: 'keep-alive-timeout-ms',
    doc: 'How long a kept-alive connection may sit idle between requests; a proxy in front should give up sooner.',
    parse: parseInteger(100, 3_600_000),
    default: 5000,
  }),
  maxConnections: option({
    env: 'WEFT_MAX_CONNECTIONS',
    flag: 'max-connections',
    doc: "Connections open at once; beyond it new ones are closed at once. Keep it below the process's file limit (`ulimit -n`).",
    parse: parseInteger(1, 1_000_000),
    default: 1000,
  }),
  commandTimeLimitMs: option({
    env: 'WEFT_COMMAND_TIME_LIMIT_MS',
    flag: 'command-time-limit-ms',
    doc: 'Longest the commands of one `/api/commands` request may run; then they stop (a batch rolls back) with `command.error/time-limit`.',
    parse: parseInteger(100, 3_600_000),
    default: 10_000,
  }),
  databaseWaitLimitMs: option({
    env: 'WEFT_DATABASE_WAIT_LIMIT_MS',
    flag: 'database-wait-limit-ms',
    doc: 'Longest a request waits for the database (a connection, the write lock, its turn); then it gets 503 with Retry-After.',
    parse: parseInteger(10, 600_000),
    default: 5000,
  }),
  databasePoolSize: option({
    env: 'WEFT_DATABASE_POOL_SIZE',
    flag: 'database-pool-size',
    doc: 'PostgreSQL connections in the pool of this instance.',
    parse: parseInteger(1, 1000),
    default: 10,
  }),
  databaseWorkspaceConnections: option({
    env: 'WEFT_DATABASE_WORKSPACE_CONNECTIONS',
    flag: 'database-workspace-connections',
    doc: "Most PostgreSQL connections one workspace's requests hold at once, so one workspace cannot take the pool.",
    parse: parseInteger(1, 1000),
    default: (earlier) => Math.max(1, Math.floor((earlier.databasePoolSize as number) / 2)),
    defaultDoc: 'half of WEFT_DATABASE_POOL_SIZE',
  }),
  databaseStatementTimeoutMs: option({
    env: 'WEFT_DATABASE_STATEMENT_TIMEOUT_MS',
    flag: 'database-statement-timeout-ms',
    doc: "PostgreSQL's `statement_timeout` for every statement of this instance (migrations excepted); 0 turns it off.",
    parse: parseInteger(0, 86_400_000),
    default: 30_000,
  }),
  sqliteSynchronous: option<(typeof SQLITE_SYNCHRONOUS)[number]>({
    env: 'WEFT_SQLITE_SYNCHRONOUS',
    flag: 'sqlite-synchronous',
    doc: '`full`: every acknowledged write survives a power loss or OS crash; `normal`: faster commits, but such a crash may lose the last ones (never corrupts).',
    parse: parseOneOf(SQLITE_SYNCHRONOUS),
    default: 'full',
  }),
  shutdownTimeoutMs: option({
    env: 'WEFT_SHUTDOWN_TIMEOUT_MS',
    flag: 'shutdown-timeout-ms',
    doc: 'On SIGTERM/SIGINT, how long in-flight requests may take before the process exits anyway (code 1).',
    parse: parseInteger(0, 3_600_000),
    default: 10_000,
  }),
};

type Schema = typeof configSchema;

/** Rules between options, checked after each has been read: a problem names the options. */
export const configRules: ((config: Config) => string | null)[] = [
  (config) =>
    config.rateLimitToleranceMs >= config.rateLimitWindowMs
      ? `WEFT_RATE_LIMIT_TOLERANCE_MS (${config.rateLimitToleranceMs}) must be below WEFT_RATE_LIMIT_WINDOW_MS (${config.rateLimitWindowMs})`
      : null,
  (config) =>
    config.oauthRefreshTokenIdleTtl > config.oauthRefreshTokenAbsoluteTtl
      ? `WEFT_OAUTH_REFRESH_TOKEN_IDLE_TTL (${config.oauthRefreshTokenIdleTtl}) must not exceed WEFT_OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL (${config.oauthRefreshTokenAbsoluteTtl})`
      : null,
  (config) =>
    config.requestTimeoutMs < config.headersTimeoutMs
      ? `WEFT_REQUEST_TIMEOUT_MS (${config.requestTimeoutMs}) must be at least WEFT_HEADERS_TIMEOUT_MS (${config.headersTimeoutMs})`
      : null,
];

/** The validated configuration, one property per option of `configSchema`. */
export type Config = { -readonly [K in keyof Schema]: Schema[K] extends OptionSpec<infer T> ? T : never };
