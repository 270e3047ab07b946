import { type CliCommand, requiredValue, stringValue } from './command.ts';

export const userPasswdCommand: CliCommand = {
  name: 'user passwd',
  summary: "Set an account's password (used in every workspace it belongs to); generated when none is given.",
  usage: '--email E [--password P] [--workspace S]',
  options: { email: { type: 'string' }, password: { type: 'string' }, workspace: { type: 'string' } },
  required: ['email'],
  async run(context) {
    const accounts = await context.accounts();
    const email = requiredValue(context, 'email');
    const slug = stringValue(context, 'workspace');
    if (slug !== undefined) await accounts.getUser(slug, email); // says so if the user is not in that workspace
    const { generatedPassword } = await accounts.setPassword(email, stringValue(context, 'password'));
    const lines = [`Password of ${email} changed.`];
    if (generatedPassword) lines.push(`Password (shown once): ${generatedPassword}`);
    context.print({ email, ...(generatedPassword ? { password: generatedPassword } : {}) }, lines.join('\n'));
    return 0;
  },
};
