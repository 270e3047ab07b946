import type { FastifyInstance } from 'fastify';
import type { Storage } from '../storage/index.ts';
import { httpErrors } from './errors.ts';

const statusSchema = {
  type: 'object',
  properties: { status: { type: 'string' } },
  required: ['status'],
} as const;

/** `/healthz`: the process answers. `/readyz`: and its storage does too. */
export function healthRoutes({ storage }: { storage: Storage }) {
  return async (app: FastifyInstance) => {
    app.get(
      '/healthz',
      { schema: { summary: 'The process is up', tags: ['health'], response: { 200: statusSchema } } },
      async () => ({ status: 'ok' }),
    );
    app.get(
      '/readyz',
      { schema: { summary: 'The storage answers', tags: ['health'], response: { 200: statusSchema } } },
      async (request) => {
        try {
          await storage.ping();
        } catch (error) {
          request.log.warn({ err: error }, 'storage is not reachable');
          throw httpErrors.NOT_READY('The storage does not answer.');
        }
        return { status: 'ok' };
      },
    );
  };
}
