import type { FastifyBaseLogger } from 'fastify';
import type { Role } from '../storage/index.ts';
import { CommandError, commandError } from './command-error.ts';
import type { CommandContext, CommandHandler, Privilege } from './command-handler.ts';
import { entityQuery } from './entity-query.ts';
import { entityCreate, entityDelete, entityUpdate } from './entity-writes.ts';
import { schemaBatch } from './schema-batch.ts';
import { schemaQuery } from './schema-query.ts';

/** Every command this server implements, by Fibery's name. */
export const COMMANDS: Record<string, CommandHandler> = {
  'fibery.entity/query': entityQuery,
  'fibery.schema/query': schemaQuery,
  'fibery.schema/batch': schemaBatch,
  'fibery.entity/create': entityCreate,
  'fibery.entity/update': entityUpdate,
  'fibery.entity/delete': entityDelete,
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

export type Envelope =
  | { success: true; result: unknown }
  | { success: false; result: { name: string; message: string; data: Record<string, unknown> } };

const failure = (error: CommandError): Envelope => ({
  success: false,
  result: { name: error.errorName, message: error.message, data: error.data },
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Runs one command object and resolves with its envelope; never rejects. A failure the caller can act
 * on is a CommandError with its name; anything else is logged and reported without detail.
 */
export async function runCommand(
  raw: unknown,
  context: CommandContext,
  { log, requestId }: { log: FastifyBaseLogger; requestId: string },
): Promise<Envelope> {
  try {
    if (!isObject(raw) || typeof raw.command !== 'string' || (raw.args != null && !isObject(raw.args))) {
      throw commandError('command.error/invalid-command', 'A command is {"command": "<name>", "args": {…}}.');
    }
    const handler = COMMANDS[raw.command];
    if (!handler) {
      throw commandError('command.error/unknown-command', `Unknown command "${raw.command.slice(0, 200)}".`, {
        command: raw.command.slice(0, 200),
      });
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
    log.error({ err: error }, 'command failed unexpectedly');
    return failure(
      new CommandError(
        'command.error/internal',
        `Internal error; the server log has the detail under request id ${requestId}.`,
      ),
    );
  }
}
