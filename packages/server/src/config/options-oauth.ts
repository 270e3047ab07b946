/** OAuth: how long codes and tokens live, and whether every app must use PKCE. */

import { option } from './option.ts';
import { parseBoolean, parseInteger } from './parsers.ts';

export const oauthOptions = {
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
};
