import { defineErrors } from '../errors/index.ts';

export const httpErrors = defineErrors('http', {
  BAD_REQUEST: { status: 400, doc: 'The request is malformed in a way no more specific code describes.' },
  HOST_HEADER_DUPLICATED: {
    status: 400,
    doc: 'The request carries more than one Host header (RFC 9112 §3.2).',
  },
  INVALID_JSON: { status: 400, doc: 'The body is not valid JSON, or is empty while JSON was declared.' },
  VALIDATION_FAILED: { status: 400, doc: 'The body, query or parameters do not match the route schema.' },
  NOT_FOUND: { status: 404, doc: 'No route answers this path.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    doc: 'The path exists but not with this method; `Allow` lists those it takes.',
  },
  REQUEST_TIMEOUT: { status: 408, doc: 'The request did not arrive in time.' },
  HEADERS_TOO_LARGE: { status: 431, doc: 'The request headers exceed the 16 KiB the server accepts.' },
  BODY_TOO_LARGE: { status: 413, doc: 'The body is larger than WEFT_BODY_LIMIT.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, doc: 'The Content-Type is not one this route accepts.' },
  INTERNAL_ERROR: { status: 500, doc: 'An unexpected failure; the log has the detail under the request id.' },
  NOT_IMPLEMENTED: {
    status: 501,
    doc: 'A Fibery API that Weft does not serve yet (documents, files, webhooks, GraphQL); `feature` names its path.',
  },
  NOT_READY: { status: 503, doc: 'The storage cannot be reached; returned by /readyz.' },
  DATABASE_BUSY: {
    status: 503,
    doc: 'The database is too busy to take the request now (a connection, the write lock or a turn did not come within WEFT_DATABASE_WAIT_LIMIT_MS); nothing was changed. Retry-After says when to retry.',
  },
});
