import { formatUser } from '../auth/index.ts';
import { workspaceUrl } from '../workspaces/index.ts';
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
    const url = workspaceUrl(workspace.slug, context.config);
    const json = {
      ...formatUser(user, workspace),
      url,
      ...(generatedPassword ? { password: generatedPassword } : {}),
    };
    const lines = [`Created ${user.role} ${user.email} in workspace ${workspace.slug} (id ${user.id}).`];
    if (generatedPassword) lines.push(`Password (shown once): ${generatedPassword}`);
    if (url) lines.push(`Log in at ${url}/login`);
    context.print(json, lines.join('\n'));
    return 0;
  },
};
