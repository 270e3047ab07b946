import { defineErrors } from '../../errors/index.ts';

export const accountErrors = defineErrors('accounts', {
  WORKSPACE_NOT_FOUND: { status: 404, doc: 'No workspace has this slug (or this host names none).' },
  WORKSPACE_EXISTS: { status: 409, doc: 'A workspace with this slug exists already.' },
  INVALID_SLUG: { status: 400, doc: 'A workspace slug is 1-63 lowercase letters, digits and inner hyphens.' },
  INVALID_WORKSPACE_NAME: { status: 400, doc: 'A workspace name is 1-200 printable characters.' },
  INVALID_EMAIL: { status: 400, doc: 'The email address is malformed.' },
  INVALID_NAME: { status: 400, doc: 'A user name is 1-200 printable characters.' },
  INVALID_ROLE: { status: 400, doc: 'A role is one of admin, member, observer.' },
  INVALID_PASSWORD: { status: 400, doc: 'A password is 8-1024 characters.' },
  USER_EXISTS: { status: 409, doc: 'The workspace has a user with this email already.' },
  USER_NOT_FOUND: { status: 404, doc: 'The workspace has no user with this email.' },
  ACCOUNT_EXISTS: {
    status: 409,
    doc: 'The email has an account (in another workspace) with its own password; add it without one.',
  },
  LAST_ADMIN: { status: 409, doc: 'The change would leave the workspace without an active admin.' },
});
