/**
 * Every option of the server: its environment variable, its `weft serve` flag, its type (the parser),
 * its default and a one-line doc. This is the single source: the loader reads it, docs/configuration.md
 * is generated from it (`npm run docs`), and a test checks the two agree.
 */

import type { OptionSpec } from './option.ts';
import { limitOptions } from './options-limits.ts';
import { oauthOptions } from './options-oauth.ts';
import { placeOptions } from './options-place.ts';
import { servingOptions } from './options-serving.ts';

export { type OptionSpec, RATE_LIMIT_FAILURE_MODES } from './option.ts';

/** Every option, in the order they are read (a default may depend on options read before it). */
export const configSchema = { ...placeOptions, ...oauthOptions, ...servingOptions, ...limitOptions };

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
export type Config = {
  -readonly [K in keyof Schema]: Schema[K] extends OptionSpec<infer T> ? T : never;
};
