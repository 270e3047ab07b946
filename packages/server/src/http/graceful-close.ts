import type { FastifyInstance } from 'fastify';

/**
 * Once `app.close()` begins, every response still being served says `Connection: close`, so its
 * keep-alive socket ends with it. Without this, a socket that was busy when closing began turns idle
 * afterwards and holds `server.close()` open until the client drops it.
 */
export function registerGracefulClose(app: FastifyInstance) {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
