import { defineErrors } from '../../errors/index.ts';

/** Errors of Weft's own OAuth parts (the CLI, the pages, the keys); the protocol's are RFC 6749's. */
export const oauthErrors = defineErrors('oauth', {
  OAUTH_CLIENT_NAME_INVALID: { status: 400, doc: 'An app name is 1 to 100 printable characters.' },
  OAUTH_REDIRECT_URI_INVALID: {
    status: 400,
    doc: 'A redirect URI must be an absolute https URI (http only on loopback), with no fragment, userinfo or wildcard.',
  },
  OAUTH_CLIENT_NOT_FOUND: { status: 404, doc: 'No app has this client_id.' },
  OAUTH_KEYS_LOCKED: {
    status: 500,
    doc: 'The OAuth keys are stored encrypted and WEFT_SECRET_KEY is missing or not the key they were stored with.',
  },
});
