/** The errors the client throws: a command Fibery refused, or a request that did not get an answer. */

/**
 * A command the server ran and refused, with Fibery's error `name` (`entity.error/schema-field-not-found`),
 * its `message` and `data`, and the index of the command among those sent together.
 *
 * @example
 * try { await client.query({ 'q/from': 'Cricket/Nope', 'q/select': ['fibery/id'] }) }
 * catch (error) { if (error instanceof FiberyCommandError) console.log(error.name, error.index) }
 */
export class FiberyCommandError extends Error {
  override readonly name: string;
  readonly data: Record<string, unknown>;
  readonly index: number;
  constructor(name: string, message: string, data: Record<string, unknown>, index: number) {
    super(message);
    this.name = name;
    this.data = data;
    this.index = index;
  }
}

/**
 * Why a request got no usable answer, when it is not the server's HTTP status.
 *
 * @example
 * if (error instanceof WeftHttpError && error.code === 'TIMEOUT') retryLater();
 */
export type TransportCode =
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'INVALID_RESPONSE'
  | 'RESPONSE_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'REFRESH_FAILED';

/**
 * A request that failed as a whole: an HTTP error (`status` and the server's `code`, such as
 * `TOKEN_INVALID` or `RATE_LIMITED`) or no answer at all (`status` 0 and a {@link TransportCode}).
 * `requestId` is the server's `x-request-id`, for its log.
 *
 * @example
 * catch (error) { if (error instanceof WeftHttpError && error.status === 401) reconnect() }
 */
export class WeftHttpError extends Error {
  override readonly name = 'WeftHttpError';
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  constructor(
    status: number,
    code: string,
    message: string,
    requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}
