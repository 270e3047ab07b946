import { defineErrors } from '../../errors/index.ts';

export const sessionErrors = defineErrors('sessions', {
  LOGIN_FAILED: { status: 401, doc: 'The email or the password is wrong (which one is not said).' },
  LOGIN_WRONG_WORKSPACE: {
    status: 403,
    doc: 'The email and password are right, but the account is not a member of this workspace; the message names its workspaces and where they answer.',
  },
  LOGIN_THROTTLED: {
    status: 429,
    doc: 'Too many failed logins for this account or from this address; `Retry-After` says when to try again.',
  },
});
