import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';

const PLAIN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every request's id is the server's own, random: the id a 500 tells the caller to quote is then
 * never one a caller chose (another request's, to blur the log). A caller's own `X-Request-Id` is
 * kept beside it in the log as `callerRequestId`, when plain, so traces still join up.
 */
export function generateRequestId(): string {
  return randomUUID();
}

/** Fastify's per-request child logger, with the caller's request id when it sent a plain one. */
export function requestLogger(
  logger: FastifyBaseLogger,
  bindings: Record<string, unknown>,
  options: object,
  raw: IncomingMessage,
): FastifyBaseLogger {
  const given = raw.headers['x-request-id'];
  if (typeof given !== 'string' || !PLAIN_ID.test(given)) return logger.child(bindings, options);
  return logger.child({ ...bindings, callerRequestId: given }, options);
}
