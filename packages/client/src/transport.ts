/**
 * One request to the API, done well: paced (pacing.ts), with a time limit per attempt, a cap on the
 * answer's size, idempotent requests retried on 429, 502, 503 and network errors with jittered
 * exponential backoff, a 401 answered by one token refresh, and every failure a typed error.
 */
import { WeftHttpError } from './errors.ts';
import { createPacer, type Pacer, type PacerOptions, retryAfterMs, sleep } from './pacing.ts';

/** How the client authenticates: the `Authorization` field, and a refresh after a 401 when it can. */
export interface Credentials {
  /** A key for the credential's own rate-limit window (kept in memory, never sent). */
  readonly key: string;
  authorization(signal?: AbortSignal): Promise<string>;
  /** Gets new credentials after a 401; false when it cannot. */
  refresh?(signal?: AbortSignal): Promise<boolean>;
}

/**
 * The transport's settings, all optional but `url`.
 *
 * @example
 * createClient({ url, token, retries: 2, maxRetryWaitMs: 10_000, maxResponseBytes: 8 << 20 });
 */
export interface TransportOptions {
  /** The workspace: `https://acme.fibery.io`, or a Weft server's URL. */
  url: string;
  /** The platform's fetch unless given. */
  fetch?: typeof fetch;
  /** Each attempt's time limit (ms). Default 30,000. */
  timeoutMs?: number;
  /** Answers larger than this are refused (bytes). Default 64 MiB. */
  maxResponseBytes?: number;
  /** Retries of an idempotent request. Default 4. */
  retries?: number;
  /** The longest wait a 429's Retry-After may ask for before the client gives up (ms). Default 30,000. */
  maxRetryWaitMs?: number;
  /** Client-side pacing: Fibery's limits by default, then the server's; `false` for none. */
  pacing?: PacerOptions['limits'];
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  /** Safe to send again: retried on 429, 502, 503 and network errors. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

const RETRIED = new Set([429, 502, 503]);

/** The API of one workspace with one credential. */
export function createTransport(options: TransportOptions, credentials: Credentials) {
  const {
    fetch: send = globalThis.fetch,
    timeoutMs = 30_000,
    maxResponseBytes = 64 * 1024 * 1024,
    retries = 4,
    maxRetryWaitMs = 30_000,
  } = options;
  const origin = new URL(options.url).origin;
  const pacer: Pacer = createPacer(origin, credentials.key, { limits: options.pacing });

  async function attempt(path: string, request: RequestOptions) {
    // The credentials first: a refresh is not a request of the API, and may fail on its own.
    const headers: Record<string, string> = {
      authorization: await credentials.authorization(request.signal),
      accept: 'application/json',
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const answered = await pacer.acquire(request.signal);
    // One controller per attempt, its timer cleared at the end: AbortSignal.timeout and .any keep a
    // timer and a listener alive for the whole time limit, thousands at once under load.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
    const onAbort = () => controller.abort(request.signal!.reason);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await send(`${origin}${path}`, {
        method: request.method ?? 'POST',
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: controller.signal,
      });
      answered();
      pacer.observe(response.headers, response.status);
      return { response, body: await readJson(response, maxResponseBytes, controller.signal) };
    } catch (error) {
      answered();
      throw transportError(error, request.signal, controller.signal, timeoutMs);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    pacer,
    /** Sends a request to `path` (`/api/commands`) and resolves with its JSON answer. */
    async request(path: string, request: RequestOptions = {}): Promise<unknown> {
      let refreshed = false;
      for (let tries = 0; ; tries++) {
        let result: Awaited<ReturnType<typeof attempt>>;
        try {
          result = await attempt(path, request);
        } catch (error) {
          const retry = request.idempotent && tries < retries && isRetriedFailure(error);
          if (!retry) throw error;
          await sleep(backoff(tries), request.signal);
          continue;
        }
        const { response, body } = result;
        if (response.ok) {
          if (body === undefined && response.status !== 204)
            throw new WeftHttpError(
              response.status,
              'INVALID_RESPONSE',
              'The answer is not JSON.',
              requestId(response),
            );
          return body;
        }
        if (response.status === 401 && !refreshed && credentials.refresh) {
          refreshed = true;
          if (await credentials.refresh(request.signal)) {
            tries--;
            continue;
          }
        }
        const error = httpError(response, body);
        if (!request.idempotent || tries >= retries || !RETRIED.has(response.status)) throw error;
        const asked = response.status === 429 ? retryAfterMs(response.headers) : undefined;
        if (asked !== undefined && asked > maxRetryWaitMs)
          throw new WeftHttpError(
            429,
            'RATE_LIMITED',
            `The server asks to wait ${Math.ceil(asked / 1000)} s, more than maxRetryWaitMs (${maxRetryWaitMs} ms).`,
            error.requestId,
          );
        await sleep(asked ?? backoff(tries), request.signal);
      }
    },
  };
}

export type Transport = ReturnType<typeof createTransport>;

/** Jittered exponential backoff: 250 ms, 500 ms, 1 s, … up to 8 s, each between half and all of it. */
const backoff = (tries: number) => Math.min(8000, 250 * 2 ** tries) * (0.5 + Math.random() / 2);

const requestId = (response: Response) => response.headers.get('x-request-id') ?? undefined;

function isRetriedFailure(error: unknown) {
  return error instanceof WeftHttpError && (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT');
}

function httpError(response: Response, body: unknown) {
  const detail = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return new WeftHttpError(
    response.status,
    detail?.code ?? `HTTP_${response.status}`,
    detail?.message ?? `${response.status} ${response.statusText || 'error'} from ${response.url}`,
    requestId(response),
  );
}

function transportError(
  error: unknown,
  caller: AbortSignal | undefined,
  timeout: AbortSignal,
  timeoutMs: number,
) {
  if (error instanceof WeftHttpError) return error;
  if (caller?.aborted)
    return new WeftHttpError(0, 'ABORTED', 'The request was aborted.', undefined, { cause: error });
  if (timeout.aborted)
    return new WeftHttpError(0, 'TIMEOUT', `No answer within ${timeoutMs} ms.`, undefined, { cause: error });
  const reason = (error as { cause?: { code?: string; message?: string } }).cause;
  return new WeftHttpError(
    0,
    'NETWORK_ERROR',
    `The request failed: ${reason?.code ?? reason?.message ?? (error as Error).message}.`,
    undefined,
    { cause: error },
  );
}

/** The answer's JSON (undefined when it is not JSON), read up to `max` bytes. */
async function readJson(response: Response, max: number, signal: AbortSignal): Promise<unknown> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  const tooLarge = () =>
    new WeftHttpError(
      response.status,
      'RESPONSE_TOO_LARGE',
      `The answer is larger than ${max} bytes (maxResponseBytes).`,
    );
  if (declared > max) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.headers.has('content-length')) {
    // Its size is known and allowed: read it whole, as text (faster than chunk by chunk).
    const text = await response.text();
    if (text.length > max) throw tooLarge();
    return text.length === 0 ? undefined : parseJson(response, text);
  }
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  return size === 0 ? undefined : parseJson(response, new TextDecoder().decode(concat(chunks, size)));
}

/** The answer's text as JSON: an error answer that is not JSON has no body to read; a success must be JSON. */
function parseJson(response: Response, text: string): unknown {
  if (!(response.headers.get('content-type') ?? '').includes('json')) {
    if (!response.ok) return undefined;
    throw new WeftHttpError(
      response.status,
      'INVALID_RESPONSE',
      `The answer is ${response.headers.get('content-type') ?? 'untyped'}, not JSON: ${text.slice(0, 80)}`,
      requestId(response),
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WeftHttpError(
      response.status,
      'INVALID_RESPONSE',
      'The answer is not valid JSON (cut off?).',
      requestId(response),
      {
        cause: error,
      },
    );
  }
}

function concat(chunks: Uint8Array[], size: number) {
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}
