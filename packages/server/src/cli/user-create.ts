import { formatUser } from '../auth/accounts/index.ts';
import { type CliCommand, requiredValue, stringValue } from './command.ts';

export const userCreateCommand: CliCommand = {
  name: 'user create',
  summary: 'Add a user to a workspace; prints a generated password when none is given.',
  usage: '--workspace S --email E --name N --role admin|member|observer [--password P]',
  options: {
    workspace: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    password: { type: 'string' },
  },
  required: ['workspace', 'email', 'name', 'role'],
  async run(context) {
    const accounts = await context.accounts();
    const { user, workspace, generatedPassword } = await accounts.createUser({
      workspace: requiredValue(context, 'workspace'),
      email: requiredValue(context, 'email'),
      name: requiredValue(context, 'name'),
      role: requiredValue(context, 'role'),
      password: stringValue(context, 'password'),
    });
    const json = {
      ...formatUser(user, workspace),
      ...(generatedPassword ? { password: generatedPassword } : {}),
    };
    const lines = [`Created ${user.role} ${user.email} in workspace ${workspace.slug} (id ${user.id}).`];
    if (generatedPassword) lines.push(`Password (shown once): ${generatedPassword}`);
    context.print(json, lines.join('\n'));
    return 0;
  },
};
