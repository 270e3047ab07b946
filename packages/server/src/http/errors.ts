/**
 * The one error class of the server. Every failure a client can see has a stable UPPER_SNAKE code
 * and an HTTP status, defined once per feature with `defineErrors`. Codes are part of the API: add,
 * never rename. The message is for people and may change; tests assert codes.
 */
export class WeftError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, status: number, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'WeftError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export type ErrorFactory = ((message: string, details?: Record<string, unknown>) => WeftError) & {
  readonly code: string;
  readonly status: number;
  readonly doc: string;
};

export type ErrorDefinitions = Record<string, { status: number; doc: string }>;

/** A feature's error catalogue: one factory per code, carrying its status and a one-line doc. */
export function defineErrors<const T extends ErrorDefinitions>(
  feature: string,
  definitions: T,
): { readonly feature: string } & { readonly [K in keyof T]: ErrorFactory } {
  const factories: Record<string, unknown> = { feature };
  for (const [code, { status, doc }] of Object.entries(definitions)) {
    const factory = (message: string, details?: Record<string, unknown>) =>
      new WeftError(code, status, message, details);
    factories[code] = Object.assign(factory, { code, status, doc });
  }
  return factories as { readonly feature: string } & { readonly [K in keyof T]: ErrorFactory };
}

/** Lists the factories of a catalogue made by `defineErrors`. */
export function listErrorFactories(catalogue: { readonly feature: string }): ErrorFactory[] {
  return Object.values(catalogue as Record<string, unknown>).filter(
    (value): value is ErrorFactory => typeof value === 'function',
  );
}

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
