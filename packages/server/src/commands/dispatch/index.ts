export { commandRoutes } from './command-routes.ts';
export { COMMANDS, type Envelope, runCommand } from './dispatch-commands.ts';
export { commandHttpErrors } from './errors.ts';
