export { COMMAND_ERRORS, CommandError } from './command-error.ts';
export type { CommandContext } from './command-handler.ts';
export { commandRoutes } from './command-routes.ts';
export { COMMANDS, runCommand } from './dispatch-commands.ts';
export { commandHttpErrors } from './errors.ts';

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
