/**
 * `@weft/client`: the Fibery API from TypeScript, against Weft or Fibery alike. See README.md.
 *
 * @example
 * import { createClient } from '@weft/client';
 * const fibery = createClient({ url: 'https://acme.fibery.io', token: process.env.FIBERY_TOKEN! });
 * console.log(await fibery.schema());
 */
export { type CallOptions, type Client, type ClientOptions, createClient } from './client.ts';
export { FiberyCommandError, type TransportCode, WeftHttpError } from './errors.ts';
export {
  createAuthorizationRequest,
  exchangeCode,
  type OAuthApp,
  type OAuthCredentials,
  type OAuthTokens,
  parseCallback,
  refreshTokens,
  revokeToken,
} from './oauth.ts';
export { FIBERY_LIMITS, type Limit } from './pacing.ts';
export type { TransportOptions } from './transport.ts';
export type * from './types.ts';
