import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { httpErrors } from './errors.ts';

/**
 * JSON bodies as clients send them. Several clients send `Content-Type: application/json` on every
 * request, a bodiless POST or DELETE included: an empty body is then no body, not malformed JSON.
 * Anything else goes to Fastify's own parser, which also refuses prototype poisoning.
 */
export function registerJsonBodies(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined);
    return parse(request, body as string, done);
  });
}

/**
 * For the API routes: a body is JSON or nothing. A form (`curl -d` sends
 * `application/x-www-form-urlencoded`) or text would otherwise be parsed as what it is, and a command
 * misread from it; 415 names the type to send instead.
 */
export function requireJsonBody(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
) {
  const length = request.headers['content-length'];
  const hasBody =
    (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
  const type = request.headers['content-type'];
  if (hasBody && (type === undefined || !/^application\/json\s*(;|$)/i.test(type))) {
    return done(
      httpErrors.UNSUPPORTED_MEDIA_TYPE(
        `Send the body as JSON, with Content-Type: application/json${type ? `; got ${type.slice(0, 100)}` : ''}.`,
      ),
    );
  }
  done();
}
