export { COMMAND_ERRORS, type CommandContext, CommandError } from './core/index.ts';
export { COMMANDS, commandHttpErrors, commandRoutes, runCommand } from './dispatch/index.ts';
export { loadWorkspaceTypes } from './model/index.ts';
export { compileQuery, executeQuery, parseQuery, QUERY_LIMITS } from './query/index.ts';
export { describeSchema } from './schema/index.ts';

/** The limits commands work within, from the config. */
export function commandLimits(config: {
  queryDefaultLimit: number;
  queryMaxLimit: number;
  maxCommandsPerRequest: number;
  commandTimeLimitMs: number;
}) {
  return {
    defaultLimit: config.queryDefaultLimit,
    maxLimit: config.queryMaxLimit,
    maxCommands: config.maxCommandsPerRequest,
    timeLimitMs: config.commandTimeLimitMs,
  };
}
