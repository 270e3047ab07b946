import { formatUser } from '../auth/accounts/index.ts';
import { type CliCommand, requiredValue } from './command.ts';

export const userListCommand: CliCommand = {
  name: 'user list',
  summary: "List a workspace's users.",
  usage: '--workspace S',
  options: { workspace: { type: 'string' } },
  required: ['workspace'],
  async run(context) {
    const accounts = await context.accounts();
    const slug = requiredValue(context, 'workspace');
    const workspace = await accounts.getWorkspace(slug);
    const users = (await accounts.listUsers(slug)).map((user) => formatUser(user, workspace));
    const text = users
      .map((u) => `${u.email}\t${u.name}\t${u.role}${u.active ? '' : '\t(deactivated)'}\t${u.id}`)
      .join('\n');
    context.print({ users }, text || 'No users.');
    return 0;
  },
};
