import type { Principal } from '../auth/index.ts';
import type { Storage } from '../storage/index.ts';
import type { QueryLimits } from './query/parse-query.ts';

/** What a command may need: `read` for every role, `write` for members and admins, `schema` for admins. */
export type Privilege = 'read' | 'write' | 'schema';

export interface CommandContext {
  principal: Principal;
  db: Storage;
  limits: QueryLimits;
  clock: { now(): number };
}

export interface CommandHandler {
  privilege: Privilege;
  /** Resolves with the command's `result`; throws CommandError for a failure to report. */
  run(args: Record<string, unknown>, context: CommandContext): Promise<unknown>;
}
