import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/**
 * Describes every route from the JSON schemas it declares, as OpenAPI 3.1 at `/openapi.json`.
 * Registered before the routes, since it collects them as they are added.
 */
export async function registerOpenApi(app: FastifyInstance, { version }: { version: string }) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Weft', description: 'A self-hosted, Fibery-compatible workspace API server.', version },
      components: {
        securitySchemes: {
          token: {
            type: 'http',
            scheme: 'Token',
            description: 'An API token: `Authorization: Token <token>` (`Bearer` is accepted too).',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'weft_session', description: 'A browser session.' },
        },
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
