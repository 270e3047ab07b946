export { tokenErrors } from './errors.ts';
export { displayToken, isWellFormedToken, mintToken, TOKEN_PREFIX } from './token-format.ts';
export { tokenRoutes } from './token-routes.ts';
export {
  createTokensService,
  formatToken,
  LAST_USED_PRECISION_MS,
  type TokensService,
  type VerifiedToken,
} from './tokens-service.ts';
