import { formatToken } from '../auth/index.ts';
import { WeftError } from '../errors/index.ts';
import { type CliCommand, requiredValue, stringValue } from './command.ts';
import { formatTable } from './table.ts';

export const tokenCreateCommand: CliCommand = {
  name: 'token create',
  summary: 'Create an API token for a user (at most WEFT_TOKEN_LIMIT each); prints its secret once.',
  usage: '--workspace S --email E [--description D]',
  options: { workspace: { type: 'string' }, email: { type: 'string' }, description: { type: 'string' } },
  required: ['workspace', 'email'],
  async run(context) {
    const user = await (await context.accounts()).getUser(
      requiredValue(context, 'workspace'),
      requiredValue(context, 'email'),
    );
    const { token, value } = await (await context.tokens())
      .createToken(user, stringValue(context, 'description'))
      .catch((error: unknown) => {
        // The service's message names the HTTP route; an operator deletes with the CLI.
        if (error instanceof WeftError && error.code === 'TOKEN_LIMIT_REACHED') {
          throw new WeftError(
            error.code,
            error.status,
            `${user.email} has ${error.details?.limit} API tokens, the most a user may have. Delete one first: weft token list --workspace ${requiredValue(context, 'workspace')} --email ${user.email}, then weft token delete.`,
            error.details,
          );
        }
        throw error;
      });
    context.print(
      { ...formatToken(token), value },
      `Created API token ${token.id} for ${user.email}. Shown once, keep it secret:\n${value}`,
    );
    return 0;
  },
};

export const tokenListCommand: CliCommand = {
  name: 'token list',
  summary: "List a user's API tokens (never their secrets).",
  usage: '--workspace S --email E',
  options: { workspace: { type: 'string' }, email: { type: 'string' } },
  required: ['workspace', 'email'],
  async run(context) {
    const user = await (await context.accounts()).getUser(
      requiredValue(context, 'workspace'),
      requiredValue(context, 'email'),
    );
    const tokens = (await (await context.tokens()).listTokens(user)).map(formatToken);
    const text = formatTable(
      ['ID', 'TOKEN', 'DESCRIPTION', 'CREATED', 'LAST USED'],
      tokens.map((t) => [t.id, t.display, t.description ?? '', t.created_at, t.last_used_at ?? 'never']),
      'No API tokens. Create one: weft token create --workspace S --email E',
    );
    context.print({ tokens }, text);
    return 0;
  },
};

export const tokenDeleteCommand: CliCommand = {
  name: 'token delete',
  summary:
    'Delete an API token of any user of a workspace, by id or as lists show it; it stops working at once.',
  usage: '--workspace S <ID or weft_Ab12…yz89>',
  example: 'weft token delete --workspace acme weft_Ab12…yz89',
  options: { workspace: { type: 'string' }, id: { type: 'string' } },
  positional: 'id',
  required: ['workspace', 'id'],
  async run(context) {
    const workspace = await (await context.accounts()).getWorkspace(requiredValue(context, 'workspace'));
    const given = requiredValue(context, 'id');
    const id = await (await context.tokens()).deleteWorkspaceToken(workspace, given);
    context.print({ id, deleted: true }, `Deleted API token ${given === id ? id : `${given} (${id})`}.`);
    return 0;
  },
};
