import type { FastifyInstance } from 'fastify';

/** What a JSON answer, an asset or an error needs: nothing may run, load or frame it. */
const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * On every response: no framing, no sniffing, no referrer, and a Content-Security-Policy chosen by its
 * route: pages set theirs (web/html.ts `CSP`; the OAuth pages theirs, whose forms end in a redirect to
 * an app); anything else gets the strictest.
 */
export function registerSecurityHeaders(app: FastifyInstance) {
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', DEFAULT_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    done(null, payload);
  });
}
