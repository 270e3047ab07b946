import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import { WeftError } from '../errors/index.ts';
import { DatabaseBusyError } from '../storage/index.ts';
import { httpErrors } from './errors.ts';

/** Fastify's own error codes, as the client should see them. */
const FASTIFY_CODES: Record<string, WeftError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: httpErrors.BODY_TOO_LARGE('The request body is larger than the limit.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: httpErrors.UNSUPPORTED_MEDIA_TYPE(
    'This Content-Type is not accepted here.',
  ),
  FST_ERR_CTP_EMPTY_JSON_BODY: httpErrors.INVALID_JSON('The body is empty but Content-Type says JSON.'),
  // Fastify's parser also refuses "__proto__" and "constructor.prototype" keys (prototype poisoning).
  FST_ERR_CTP_INVALID_JSON_BODY: httpErrors.INVALID_JSON(
    'The body is not valid JSON, or has a "__proto__" or "constructor.prototype" key, which is refused.',
  ),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: httpErrors.BAD_REQUEST('Content-Length does not match the body.'),
};

function toWeftError(error: FastifyError): WeftError | null {
  if (error instanceof WeftError) return error;
  if (error instanceof DatabaseBusyError)
    return httpErrors.DATABASE_BUSY(`${error.message} Retry in a moment.`, { retry_after_s: 1 });
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) return known;
  if (error.validation) return httpErrors.VALIDATION_FAILED(error.message);
  if (error instanceof SyntaxError && error.statusCode === 400)
    return httpErrors.INVALID_JSON('The body is not valid JSON.');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new WeftError('BAD_REQUEST', error.statusCode, error.message);
  }
  return null;
}

export function sendError(reply: FastifyReply, request: FastifyRequest, error: WeftError) {
  // RFC 9110 §11.6.1: a 401 names the schemes that would be accepted.
  if (error.code === 'ACCESS_TOKEN_INVALID')
    reply.header('www-authenticate', 'Bearer realm="weft", error="invalid_token"');
  else if (error.status === 401)
    reply.header('www-authenticate', ['Token realm="weft"', 'Bearer realm="weft"']);
  const retryAfter = error.details?.retry_after_s;
  if ((error.status === 429 || error.status === 503) && typeof retryAfter === 'number')
    reply.header('retry-after', String(retryAfter));
  return reply.code(error.status).send({
    error: { code: error.code, message: error.message, ...error.details, request_id: request.id },
  });
}

/**
 * Renders every error as `{"error": {"code", "message", "request_id"}}`. Anything unexpected
 * becomes a 500 whose message says only where to look; the detail goes to the log.
 * Unknown paths answer 404, known paths with another method 405 with `Allow`.
 */
export function registerErrorHandling(app: FastifyInstance) {
  const routes = FindMyWay();
  const seen = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const key = `${method} ${route.url}`;
      if (seen.has(key) || !route.url) continue;
      seen.add(key);
      routes.on(method as 'GET', route.url, () => {});
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toWeftError(error);
    if (known) {
      // A 503 is a known state (a store down), logged once where it is detected, not per request.
      if (known.status >= 500 && known.status !== 503) request.log.error({ err: error }, 'request failed');
      if (error instanceof DatabaseBusyError)
        request.log.warn({ reason: error.message }, 'database busy: 503');
      return sendError(reply, request, known);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(
      reply,
      request,
      httpErrors.INTERNAL_ERROR(
        `Internal server error; the server log has the detail under request id ${request.id}.`,
      ),
    );
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].filter(
      (method) => method !== request.method && routes.find(method as 'GET', path) !== null,
    );
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        reply,
        request,
        httpErrors.METHOD_NOT_ALLOWED(
          `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}.`,
        ),
      );
    }
    return sendError(reply, request, httpErrors.NOT_FOUND(`No route ${request.method} ${path}.`));
  });
}
