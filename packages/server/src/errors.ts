/** Every feature's error catalogue, for the docs and the registry test. */
import { accountErrors } from './auth/accounts/index.ts';
import { authErrors } from './auth/index.ts';
import { oauthErrors } from './auth/oauth/index.ts';
import { sessionErrors } from './auth/sessions/index.ts';
import { tokenErrors } from './auth/tokens/index.ts';
import { commandHttpErrors } from './commands/index.ts';
import { httpErrors } from './http/errors.ts';
import { metricsErrors } from './http/metrics-routes.ts';
import { rateLimitErrors } from './ratelimit/index.ts';

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
