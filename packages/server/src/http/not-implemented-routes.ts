import type { FastifyInstance } from 'fastify';
import { httpErrors } from './errors.ts';

/** Fibery's API surfaces that Weft does not serve yet, by path prefix, with the feature's name. */
const NOT_YET: [prefix: string, feature: string][] = [
  ['/api/documents', 'the documents API (rich text)'],
  ['/api/files', 'the files API'],
  ['/api/webhooks/v2', 'webhooks'],
  ['/api/graphql', 'the GraphQL API'],
];

/**
 * Every method on those paths answers 501 NOT_IMPLEMENTED naming the feature, so a client (the n8n
 * node reads documents and files, the MCP server documents) learns what is missing instead of
 * taking a 404 for a wrong URL. docs/compatibility.md lists what Weft serves.
 */
export function notImplementedRoutes() {
  return async (app: FastifyInstance) => {
    for (const [prefix, feature] of NOT_YET) {
      const handler = async () => {
        throw httpErrors.NOT_IMPLEMENTED(
          `Weft does not serve ${feature} (${prefix}) yet; see docs/compatibility.md for what it serves.`,
          { feature: prefix },
        );
      };
      app.all(prefix, { schema: { hide: true } }, handler);
      app.all(`${prefix}/*`, { schema: { hide: true } }, handler);
    }
  };
}
