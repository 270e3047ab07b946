import { defineErrors } from '../../errors/index.ts';

/** Errors of `/api/commands` that are not one command's: answered with an HTTP status, no envelope. */
export const commandHttpErrors = defineErrors('commands', {
  INVALID_COMMANDS: {
    status: 400,
    doc: 'The body of /api/commands is neither a command object nor an array of them.',
  },
  TOO_MANY_COMMANDS: {
    status: 400,
    doc: 'The request carries more commands than WEFT_MAX_COMMANDS_PER_REQUEST, counting those inside batches.',
  },
  CLIENT_CLOSED_REQUEST: {
    status: 499,
    doc: 'The client closed the connection before its commands were done; the rest were not run (only logged).',
  },
});
