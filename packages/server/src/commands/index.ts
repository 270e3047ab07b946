export { COMMAND_ERRORS, CommandError } from './command-error.ts';
export { commandRoutes } from './command-routes.ts';
export { COMMANDS } from './dispatch-commands.ts';
export { commandHttpErrors } from './errors.ts';
