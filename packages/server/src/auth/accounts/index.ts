export type { AccountsService, CreatedUser, CreateUserInput } from './accounts-service.ts';
export { createAccountsService, formatUser } from './accounts-service.ts';
export { isPrintableText } from './check-input.ts';
export { accountErrors } from './errors.ts';
export { generatePassword, hashPassword, verifyPassword } from './passwords.ts';
