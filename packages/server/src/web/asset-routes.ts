import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const ASSETS = {
  'weft.css': 'text/css; charset=utf-8',
  'weft.js': 'text/javascript; charset=utf-8',
} as const;

/** The pages' stylesheet and script, read once at start. */
export function assetRoutes() {
  const files = Object.entries(ASSETS).map(([name, type]) => ({
    name,
    type,
    body: readFileSync(new URL(`./assets/${name}`, import.meta.url)),
  }));
  return async (app: FastifyInstance) => {
    for (const file of files) {
      app.get(`/assets/${file.name}`, { schema: { hide: true } }, async (_request, reply) =>
        reply.type(file.type).header('cache-control', 'public, max-age=300').send(file.body),
      );
    }
  };
}
