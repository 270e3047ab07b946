import type { FastifyInstance } from 'fastify';
import type { ApiGuard } from '../../http/index.ts';
import type { Auth } from '../index.ts';
import { formatToken } from './tokens-service.ts';

/** A token as the API shows it (exported for benchmarks that compare against this route). */
export const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    description: { type: ['string', 'null'] },
    display: { type: 'string' },
    created_at: { type: 'string', format: 'date-time' },
    last_used_at: { type: ['string', 'null'], format: 'date-time' },
  },
  required: ['id', 'description', 'display', 'created_at', 'last_used_at'],
} as const;

const createdSchema = {
  type: 'object',
  properties: {
    ...tokenSchema.properties,
    value: { type: 'string', description: 'The secret; shown only here.' },
  },
  required: [...tokenSchema.required, 'value'],
} as const;

const security: Record<string, string[]>[] = [{ token: [] }, { session: [] }];

/** POST /api/tokens takes no body, or a description. */
const createBody = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      properties: { description: { type: ['string', 'null'], maxLength: 200 } },
      additionalProperties: false,
    },
  ],
};

const tokenIdParams = {
  type: 'object',
  properties: { id: { type: 'string', format: 'uuid' } },
  required: ['id'],
};

/**
 * `/api/tokens`: the caller's own API tokens, for a browser session or an existing token, as
 * Fibery's API documents it.
 */
export function tokenRoutes({ auth, guard }: { auth: Auth; guard: ApiGuard }) {
  const onRequest = guard;
  return async (app: FastifyInstance) => {
    app.get(
      '/api/tokens',
      {
        onRequest,
        schema: {
          summary: "List the caller's API tokens (never their secrets)",
          tags: ['tokens'],
          security,
          response: { 200: { type: 'array', items: tokenSchema } },
        },
      },
      async (request) => (await auth.tokens.listTokens(request.principal.user)).map(formatToken),
    );

    app.post(
      '/api/tokens',
      {
        onRequest,
        schema: {
          summary: 'Create an API token; its secret is in `value`, shown only in this response',
          tags: ['tokens'],
          security,
          body: createBody,
          response: { 201: createdSchema },
        },
      },
      async (request, reply) => {
        const body = request.body as { description?: string | null } | null | undefined;
        const { token, value } = await auth.tokens.createToken(request.principal.user, body?.description);
        return reply
          .code(201)
          .header('cache-control', 'no-store')
          .send({ ...formatToken(token), value });
      },
    );

    app.delete(
      '/api/tokens/:id',
      {
        onRequest,
        schema: {
          summary: 'Delete one of the caller’s API tokens; it stops working at once',
          tags: ['tokens'],
          security,
          params: tokenIdParams,
          response: { 204: { type: 'null' } },
        },
      },
      async (request, reply) => {
        await auth.tokens.deleteToken(request.principal.user, (request.params as { id: string }).id);
        return reply.code(204).send();
      },
    );
  };
}
