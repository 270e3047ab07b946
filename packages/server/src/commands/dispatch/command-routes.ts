import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type MonotonicClock, monotonicNow } from '../../clock.ts';
import type { ApiGuard } from '../../http/index.ts';
import { DatabaseBusyError, type Storage } from '../../storage/index.ts';
import type { CommandContext } from '../core/index.ts';
import { CommandError } from '../core/index.ts';
import { describeSchema } from '../schema/index.ts';
import { countCommands, type Envelope, runCommand } from './dispatch-commands.ts';
import { commandHttpErrors } from './errors.ts';
import { ClientGoneError, createRequestScope } from './request-scope.ts';

const notRun = (error: CommandError): Envelope => ({
  success: false,
  result: { name: error.errorName, message: error.message, data: error.data },
});

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
  now = monotonicNow,
}: {
  /** Workspace, authentication and rate limits, run on request. */
  guard: ApiGuard;
  clock: CommandContext['clock'];
  storage: Storage;
  limits: CommandContext['limits'] & { timeLimitMs: number };
  /** The monotonic clock of the time limit, in ms. */
  now?: MonotonicClock;
}) {
  /** The storage of one request: its statements take turns with other workspaces' and stop in time. */
  const scoped = (request: FastifyRequest) =>
    storage.scoped(
      createRequestScope(request.principal.workspace.id, request.raw.socket, limits.timeLimitMs, now),
    );

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
        const withDescriptions = (request.query as Record<string, unknown>)['with-description'] === 'true';
        const body = JSON.stringify(
          await describeSchema(scoped(request), request.principal.workspace.id, withDescriptions),
        );
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
        // Counted through nested batches, before any runs.
        const count = countCommands(commands);
        if (count > limits.maxCommands) {
          throw commandHttpErrors.TOO_MANY_COMMANDS(
            `${count} commands in one request, counting those in batches; at most ${limits.maxCommands} (WEFT_MAX_COMMANDS_PER_REQUEST).`,
          );
        }
        const log = { log: request.log, requestId: request.id };
        const db = scoped(request);
        const context: CommandContext = { principal: request.principal, db, limits, clock, log };
        const envelopes: Envelope[] = [];
        for (const command of commands) {
          try {
            envelopes.push(await runCommand(command, context, log));
          } catch (error) {
            if (error instanceof ClientGoneError) {
              request.log.info('the client went away: its remaining commands were not run');
              throw commandHttpErrors.CLIENT_CLOSED_REQUEST('The client closed the connection.');
            }
            // Busy before anything ran: the request as a whole is refused (503, Retry-After). Once a
            // command has run, its envelope must reach the client, so the rest are reported not run.
            if (!(error instanceof DatabaseBusyError) || envelopes.length === 0) throw error;
            const busy = new CommandError('command.error/database-busy', error.message, { retry_after_s: 1 });
            while (envelopes.length < commands.length) envelopes.push(notRun(busy));
            break;
          }
        }
        return Array.isArray(body) ? envelopes : envelopes[0];
      },
    );
  };
}
