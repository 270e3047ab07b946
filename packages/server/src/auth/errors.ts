import { defineErrors } from '../errors/index.ts';

export const authErrors = defineErrors('authentication', {
  AUTH_REQUIRED: { status: 401, doc: 'No credentials: send `Authorization: Token <token>` or log in.' },
  AUTH_SCHEME_UNSUPPORTED: { status: 401, doc: 'The Authorization scheme is neither `Token` nor `Bearer`.' },
  AUTH_MALFORMED: {
    status: 401,
    doc: 'The Authorization header has a scheme but no credential, or is not one line.',
  },
  AUTH_HEADER_DUPLICATED: { status: 400, doc: 'The request has more than one Authorization header.' },
  TOKEN_MALFORMED: {
    status: 401,
    doc: 'The token is not a Weft token: wrong prefix, length or checksum (typo or truncation?).',
  },
  TOKEN_INVALID: { status: 401, doc: 'The token is unknown, deleted, or belongs to another workspace.' },
  TOKEN_IN_QUERY: {
    status: 400,
    doc: 'A credential was sent in the query string; it is never used: send it in the Authorization header.',
  },
  ACCESS_TOKEN_INVALID: {
    status: 401,
    doc: 'The OAuth access token is unknown, expired, revoked, or its user is not an active member of this workspace (`WWW-Authenticate: Bearer error="invalid_token"`).',
  },
  SESSION_INVALID: {
    status: 401,
    doc: 'The session cookie is unknown, tampered with, expired, ended, or of another workspace.',
  },
  USER_DEACTIVATED: { status: 401, doc: 'The user of this credential is deactivated.' },
  CSRF_REJECTED: {
    status: 403,
    doc: 'A state-changing request authenticated by cookie did not come from this site (Sec-Fetch-Site / Origin) or lacks its CSRF token.',
  },
});
