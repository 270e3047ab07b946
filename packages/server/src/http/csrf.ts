import type { FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../security/index.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const isSafeMethod = (method: string) => SAFE_METHODS.has(method);

/**
 * Whether a cookie-authenticated request comes from this site. Fetch Metadata first (OWASP: reject
 * unless `Sec-Fetch-Site: same-origin`); browsers that do not send it must send an `Origin` equal to
 * the request's own origin (its scheme, as the server or a trusted proxy saw it, and its host), or
 * the public URL's origin. Scheme and host both count: `http://` is another origin than `https://`.
 * A request with neither header is refused: non-browser clients authenticate with a token, which
 * skips this check.
 */
export function isSameOrigin(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = request.headers.origin;
  if (!origin || origin === 'null' || !URL.canParse(origin)) return false;
  const given = new URL(origin).origin;
  const own = `${request.protocol}://${request.headers.host}`;
  // Both through URL, so a default port (`:80`, `:443`) compares equal to none.
  return (URL.canParse(own) && new URL(own).origin === given) || given === new URL(publicUrl).origin;
}

/** Whether a form's CSRF field matches the expected token. */
export function isCsrfTokenValid(given: unknown, expected: string): boolean {
  return typeof given === 'string' && constantTimeEqual(given, expected);
}
