/**
 * Every feature's error catalogue, for the docs and the registry test. Not exported by `index.ts`:
 * it imports every feature, and every feature imports `errors/`.
 */
import { accountErrors, authErrors, oauthErrors, sessionErrors, tokenErrors } from '../auth/index.ts';
import { commandHttpErrors } from '../commands/index.ts';
import { httpErrors, metricsErrors } from '../http/index.ts';
import { rateLimitErrors } from '../ratelimit/index.ts';

export const errorCatalogues = [
  httpErrors,
  accountErrors,
  authErrors,
  tokenErrors,
  oauthErrors,
  sessionErrors,
  commandHttpErrors,
  rateLimitErrors,
  metricsErrors,
] as const;
