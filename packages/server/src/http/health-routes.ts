import type { FastifyInstance } from 'fastify';
import type { RateLimiter } from '../ratelimit/index.ts';
import type { Storage } from '../storage/index.ts';
import { httpErrors } from './errors.ts';

const statusSchema = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    rate_limits: {
      type: 'object',
      properties: { store: { type: 'string' }, mode: { type: 'string' } },
    },
  },
  required: ['status'],
} as const;

/**
 * `/healthz`: the process answers. `/readyz`: its storage does too, and how rate limits are decided:
 * `redis`, `memory`, `local-fallback` (Redis fails, open-local) or `unavailable` (Redis fails,
 * closed: then 503, as API requests get).
 */
export function healthRoutes({ storage, rateLimiter }: { storage: Storage; rateLimiter: RateLimiter }) {
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
        const rateLimits = rateLimiter.status();
        if (rateLimits.mode === 'unavailable')
          throw httpErrors.NOT_READY('The rate-limit store (Redis) does not answer.', {
            rate_limits: rateLimits,
          });
        return { status: 'ok', rate_limits: rateLimits };
      },
    );
  };
}
