import type { FastifyBaseLogger } from 'fastify';
import { DatabaseBusyError, type Role } from '../../storage/index.ts';
import { didYouMean } from '../../text/index.ts';
import type { CommandContext, CommandHandler, Privilege } from '../core/index.ts';
import { CommandError, commandError, isObject } from '../core/index.ts';
import {
  addCollectionItems,
  entityBatchCreate,
  entityBatchDelete,
  entityCreate,
  entityDelete,
  entityUpdate,
  entityUpsert,
  removeCollectionItems,
} from '../entities/index.ts';
import { entityQuery } from '../query/index.ts';
import { installMixins, schemaBatch, schemaQuery } from '../schema/index.ts';
import { MAX_COMMAND_NESTING, nestsDeeperThan } from './check-nesting.ts';
import { ClientGoneError } from './request-scope.ts';

/** The commands a batch carries, when it is a batch with a list of them. */
function innerCommands(command: unknown): unknown[] | null {
  if (!isObject(command) || !isObject(command.args) || !Array.isArray(command.args.commands)) return null;
  return command.command === 'fibery.command/batch' || command.command === 'fibery.schema/batch'
    ? command.args.commands
    : null;
}

/** How many commands `commands` hold, counting those inside batches at every level. */
export function countCommands(commands: readonly unknown[]): number {
  let count = 0;
  const pending: unknown[] = [...commands];
  while (pending.length > 0) {
    const command = pending.pop();
    count++;
    const inner = innerCommands(command);
    if (inner) for (const item of inner) pending.push(item);
  }
  return count;
}

/** `read` with its answers kept by argument. */
function memoize<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const answers = new Map<string, Promise<T>>();
  return (key) => {
    let answer = answers.get(key);
    if (!answer) {
      answer = read(key);
      answers.set(key, answer);
    }
    return answer;
  };
}

/** Whether a command only reads: a query, or a batch of nothing but queries. */
function isReadOnly(command: unknown): boolean {
  if (!isObject(command) || typeof command.command !== 'string') return false;
  if (command.command === 'fibery.command/batch') return innerCommands(command)?.every(isReadOnly) ?? false;
  return command.command === 'fibery.entity/query' || command.command === 'fibery.schema/query';
}

/** Marks a failed inner command, so the batch's transaction rolls back and reports it. */
class BatchFailure extends Error {
  readonly envelope: Envelope;
  constructor(envelope: Envelope) {
    super('batch command failed');
    this.envelope = envelope;
  }
}

/**
 * `fibery.command/batch`: its commands in order, in one transaction, all or nothing. The result has
 * one `{success, result}` per command; the first failure rolls everything back and is the batch's
 * failure, with the index of the command in `data`.
 */
const commandBatch: CommandHandler = {
  privilege: 'read',
  async run(args, context) {
    const commands = args.commands;
    if (!Array.isArray(commands) || commands.length === 0) {
      throw commandError(
        'command.error/invalid-command',
        'fibery.command/batch takes {"commands": [{"command", "args"}, …]}.',
      );
    }
    if (commands.length > context.limits.maxCommands) {
      throw commandError(
        'command.error/invalid-command',
        `At most ${context.limits.maxCommands} commands in a batch.`,
      );
    }
    // A batch of queries reads one snapshot without holding the write lock (SQLite) meanwhile.
    const readOnly = commands.every(isReadOnly);
    try {
      return await context.db.transaction(
        async (tx) => {
          const db: CommandContext['db'] = {
            ...tx,
            dialect: context.db.dialect,
            transaction: (work) => work(tx),
          };
          // Nothing changes the schema in a batch of queries: read it once, not once per query.
          if (readOnly) db.getSchema = memoize(tx.getSchema);
          const joined: CommandContext = { ...context, db };
          const results: Envelope[] = [];
          for (const [index, command] of commands.entries()) {
            const envelope = await runCommand(command, joined, context.log);
            if (!envelope.success)
              throw new BatchFailure({
                ...envelope,
                result: { ...envelope.result, data: { ...envelope.result.data, 'command-index': index } },
              });
            results.push(envelope);
          }
          return results;
        },
        { readOnly },
      );
    } catch (error) {
      if (error instanceof BatchFailure && !error.envelope.success) {
        const { name, message, data } = error.envelope.result;
        throw new CommandError(name, message, data);
      }
      throw error;
    }
  },
};

/** Every command this server implements, by Fibery's name. */
export const COMMANDS: Record<string, CommandHandler> = {
  'fibery.command/batch': commandBatch,
  'fibery.entity/query': entityQuery,
  'fibery.schema/query': schemaQuery,
  'fibery.schema/batch': schemaBatch,
  'fibery.entity/create': entityCreate,
  'fibery.entity/update': entityUpdate,
  'fibery.entity/delete': entityDelete,
  'fibery.entity/add-collection-items': addCollectionItems,
  'fibery.entity/remove-collection-items': removeCollectionItems,
  'fibery.entity.batch/create': entityBatchCreate,
  'fibery.entity.batch/delete': entityBatchDelete,
  'fibery.entity.batch/create-or-update': entityUpsert,
  'fibery.app/install-mixins': installMixins,
};

const GRANTS: Record<Role, readonly Privilege[]> = {
  observer: ['read'],
  member: ['read', 'write'],
  admin: ['read', 'write', 'schema'],
};

const PRIVILEGE_NAMES: Record<Privilege, string> = {
  read: 'read data',
  write: 'change data (members and admins)',
  schema: 'change the schema (admins)',
};

export interface CommandLog {
  log: FastifyBaseLogger;
  requestId: string;
}

export type Envelope =
  | { success: true; result: unknown }
  | { success: false; result: { name: string; message: string; data: Record<string, unknown> } };

const failure = (error: CommandError): Envelope => ({
  success: false,
  result: { name: error.errorName, message: error.message, data: error.data },
});

/**
 * Runs one command object and resolves with its envelope. A failure the caller can act on is a
 * CommandError with its name; anything else is logged and reported without detail. It rejects only
 * when the request cannot go on: the database is busy, or the client has gone.
 */
export async function runCommand(
  raw: unknown,
  context: CommandContext,
  { log, requestId }: CommandLog,
): Promise<Envelope> {
  try {
    if (nestsDeeperThan(raw, MAX_COMMAND_NESTING)) {
      throw commandError(
        'command.error/too-deep',
        `The command nests arrays and objects deeper than ${MAX_COMMAND_NESTING} levels.`,
      );
    }
    if (!isObject(raw) || typeof raw.command !== 'string' || (raw.args != null && !isObject(raw.args))) {
      throw commandError('command.error/invalid-command', 'A command is {"command": "<name>", "args": {…}}.');
    }
    const handler = Object.hasOwn(COMMANDS, raw.command) ? COMMANDS[raw.command] : undefined;
    if (!handler) {
      const hint = didYouMean(raw.command, Object.keys(COMMANDS));
      throw commandError(
        'command.error/unknown-command',
        `Unknown command "${raw.command.slice(0, 200)}".${hint.text}`,
        {
          command: raw.command.slice(0, 200),
          ...hint.data,
        },
      );
    }
    if (!GRANTS[context.principal.role].includes(handler.privilege)) {
      throw commandError(
        'command.error/forbidden',
        `${raw.command} needs the privilege to ${PRIVILEGE_NAMES[handler.privilege]}; your role is ${context.principal.role}.`,
        { privilege: handler.privilege, role: context.principal.role },
      );
    }
    const args = (raw.args ?? {}) as Record<string, unknown>;
    return { success: true, result: await handler.run(args, context) };
  } catch (error) {
    if (error instanceof CommandError) return failure(error);
    // Not the command's failure but the request's: the route answers for them.
    if (error instanceof DatabaseBusyError || error instanceof ClientGoneError) throw error;
    log.error({ err: error }, 'command failed unexpectedly');
    return failure(
      new CommandError(
        'command.error/internal',
        `Internal error; the server log has the detail under request id ${requestId}.`,
      ),
    );
  }
}
