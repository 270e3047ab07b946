import { formatUser } from '../auth/index.ts';
import { type CliCommand, requiredValue } from './command.ts';
import { formatTable } from './table.ts';

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
    const text = formatTable(
      ['EMAIL', 'NAME', 'ROLE', 'ACTIVE', 'ID'],
      users.map((u) => [u.email, u.name, u.role, u.active ? 'yes' : 'no (deactivated)', u.id]),
      `No users. Add one: weft user create --workspace ${slug} --email E --name N --role admin`,
    );
    context.print({ users }, text);
    return 0;
  },
};
