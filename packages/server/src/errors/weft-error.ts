/**
 * The one error class of the server. Every failure a client can see has a stable UPPER_SNAKE code
 * and an HTTP status, defined once per feature with `defineErrors`. Codes are part of the API: add,
 * never rename. The message is for people and may change; tests assert codes.
 */
export class WeftError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    status: number,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WeftError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** Makes the error; `cause` (kept for the log, never sent) is the failure that led to it. */
export type ErrorFactory = ((
  message: string,
  details?: Record<string, unknown>,
  options?: { cause?: unknown },
) => WeftError) & {
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
    const factory = (message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) =>
      new WeftError(code, status, message, details, options);
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
