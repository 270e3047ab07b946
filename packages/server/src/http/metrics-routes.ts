import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { defineErrors } from '../errors/index.ts';

export const metricsErrors = defineErrors('metrics', {
  METRICS_UNAUTHORIZED: {
    status: 401,
    doc: '`/metrics` takes `Authorization: Bearer <WEFT_METRICS_TOKEN>`.',
  },
});

const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * `GET /metrics` in the Prometheus text format, for a scraper holding WEFT_METRICS_TOKEN (compared in
 * constant time). Without the option the route does not exist: metrics are never public by accident.
 */
export function metricsRoutes({ registry, token }: { registry: Registry; token: string | undefined }) {
  return async (app: FastifyInstance) => {
    if (!token) return;
    app.get(
      '/metrics',
      { schema: { summary: 'Prometheus metrics', tags: ['health'], hide: true } },
      async (request, reply) => {
        const given = request.headers.authorization ?? '';
        const match = /^Bearer\s+(\S+)$/i.exec(given);
        if (!match || !equal(match[1]!, token))
          throw metricsErrors.METRICS_UNAUTHORIZED('A valid metrics token is required.');
        return reply.type(registry.contentType).send(await registry.metrics());
      },
    );
  };
}
