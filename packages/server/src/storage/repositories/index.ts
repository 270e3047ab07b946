export { createAccountRepository } from './account-repository.ts';
export { createOAuthRepository } from './oauth-repository.ts';
export { createSchemaRepository } from './schema-repository.ts';
export { createSessionRepository } from './session-repository.ts';
export { createTokenRepository } from './token-repository.ts';
