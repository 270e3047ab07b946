import type { FastifyBaseLogger } from 'fastify';
import type { Principal } from '../../auth/index.ts';
import type { Clock } from '../../clock.ts';
import type { Dialect, Repositories, TransactionOptions } from '../../storage/index.ts';

/** What a command may need: `read` for every role, `write` for members and admins, `schema` for admins. */
export type Privilege = 'read' | 'write' | 'schema';

/**
 * What commands read and write through. `transaction` runs its work in one transaction; inside a
 * `fibery.command/batch` it joins the batch's, so the whole batch commits or rolls back together.
 */
export interface CommandStore extends Repositories {
  readonly dialect: Dialect;
  transaction<T>(work: (tx: Repositories) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

/** How many rows a query returns when it names no limit, and at most. */
export interface QueryLimits {
  defaultLimit: number;
  maxLimit: number;
}

export interface CommandContext {
  principal: Principal;
  db: CommandStore;
  limits: QueryLimits & { maxCommands: number };
  clock: Clock;
  /** Where an unexpected failure is logged, under the request's id. */
  log: { log: FastifyBaseLogger; requestId: string };
}

export interface CommandHandler {
  privilege: Privilege;
  /** Resolves with the command's `result`; throws CommandError for a failure to report. */
  run(args: Record<string, unknown>, context: CommandContext): Promise<unknown>;
}
