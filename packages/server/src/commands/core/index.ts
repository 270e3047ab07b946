export {
  builtInType,
  COMMAND_ERRORS,
  CommandError,
  type CommandErrorName,
  commandError,
  fieldNotFound,
  quote,
  show,
  typeNotFound,
} from './command-error.ts';
export type {
  CommandContext,
  CommandHandler,
  CommandStore,
  Privilege,
  QueryLimits,
} from './command-handler.ts';
export { isObject } from './is-object.ts';
