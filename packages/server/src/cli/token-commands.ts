import { formatToken } from '../auth/tokens/index.ts';
import { type CliCommand, requiredValue, stringValue } from './command.ts';

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
    const { token, value } = await (await context.tokens()).createToken(
      user,
      stringValue(context, 'description'),
    );
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
    const text = tokens
      .map(
        (t) =>
          `${t.id}\t${t.display}\t${t.description ?? ''}\tcreated ${t.created_at}\tlast used ${t.last_used_at ?? 'never'}`,
      )
      .join('\n');
    context.print({ tokens }, text || 'No API tokens.');
    return 0;
  },
};

export const tokenDeleteCommand: CliCommand = {
  name: 'token delete',
  summary: 'Delete an API token of any user of a workspace; it stops working at once.',
  usage: '--workspace S --id ID',
  options: { workspace: { type: 'string' }, id: { type: 'string' } },
  required: ['workspace', 'id'],
  async run(context) {
    const workspace = await (await context.accounts()).getWorkspace(requiredValue(context, 'workspace'));
    const id = requiredValue(context, 'id');
    await (await context.tokens()).deleteWorkspaceToken(workspace, id);
    context.print({ id, deleted: true }, `Deleted API token ${id}.`);
    return 0;
  },
};
