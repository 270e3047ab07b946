/** Every feature's error catalogue, for the docs and the registry test. */
import { accountErrors } from './auth/accounts/index.ts';
import { httpErrors } from './http/errors.ts';

export const errorCatalogues = [httpErrors, accountErrors] as const;
