import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ApiGuard } from '../http/api-guard.ts';
import type { CommandContext } from './command-handler.ts';
import { runCommand } from './dispatch-commands.ts';
import { commandHttpErrors } from './errors.ts';
import { describeSchema } from './schema-query.ts';

/**
 * `POST /api/commands`: one command object, or an array of them run one after another; the reply has
 * the same shape, one `{success, result}` envelope per command, in order, with HTTP 200. Problems of
 * the request as a whole (authentication, malformed JSON, too many commands) are HTTP errors.
 */
export function commandRoutes({
  guard,
  storage,
  limits,
  clock,
}: {
  /** Workspace, authentication and rate limits, run on request. */
  guard: ApiGuard;
  clock: CommandContext['clock'];
  storage: CommandContext['db'];
  limits: CommandContext['limits'];
}) {
  return async (app: FastifyInstance) => {
    // GET /api/schema: the schema, unwrapped, with an ETag so that clients polling it get 304 (RFC 9110 §13.1.2).
    app.get(
      '/api/schema',
      {
        onRequest: guard,
        schema: {
          summary: 'The workspace schema, as fibery.schema/query returns it',
          tags: ['commands'],
          security: [{ token: [] }, { session: [] }],
        },
      },
      async (request, reply) => {
        const body = JSON.stringify(await describeSchema(storage, request.principal.workspace.id));
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
        reply.header('etag', etag).header('cache-control', 'private, no-cache');
        const given = request.headers['if-none-match'];
        if (given?.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*'))
          return reply.code(304).send();
        return reply.type('application/json; charset=utf-8').send(body);
      },
    );

    app.post(
      '/api/commands',
      {
        onRequest: guard,
        schema: {
          summary: "Fibery's commands API: one command object or an array of them",
          tags: ['commands'],
          security: [{ token: [] }, { session: [] }],
          body: { type: ['object', 'array'] },
        },
      },
      async (request) => {
        const body = request.body;
        const commands = Array.isArray(body) ? body : [body];
        if (body === null || typeof body !== 'object') {
          throw commandHttpErrors.INVALID_COMMANDS('Send a command object or an array of them.');
        }
        if (commands.length > limits.maxCommands) {
          throw commandHttpErrors.TOO_MANY_COMMANDS(
            `${commands.length} commands in one request; at most ${limits.maxCommands} (WEFT_MAX_COMMANDS_PER_REQUEST).`,
          );
        }
        const log = { log: request.log, requestId: request.id };
        const context: CommandContext = { principal: request.principal, db: storage, limits, clock, log };
        const envelopes = [];
        for (const command of commands) {
          envelopes.push(await runCommand(command, context, log));
        }
        return Array.isArray(body) ? envelopes : envelopes[0];
      },
    );
  };
}
