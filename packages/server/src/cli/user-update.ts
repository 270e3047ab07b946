import type { AccountsService } from '../auth/index.ts';
import { formatUser } from '../auth/index.ts';
import { type CliCommand, type CliContext, requiredValue } from './command.ts';

type Update = (
  accounts: AccountsService,
  context: CliContext,
  slug: string,
  email: string,
) => ReturnType<AccountsService['setRole']>;

/** `user set-role`, `user deactivate` and `user activate` differ only in the change they make. */
function userUpdateCommand(
  name: string,
  summary: string,
  extra: string[],
  update: Update,
  done: string,
): CliCommand {
  return {
    name,
    summary,
    usage: ['--workspace S --email E', ...extra.map((option) => `--${option} R`)].join(' '),
    options: Object.fromEntries(
      ['workspace', 'email', ...extra].map((option) => [option, { type: 'string' as const }]),
    ),
    required: ['workspace', 'email', ...extra],
    async run(context) {
      const accounts = await context.accounts();
      const slug = requiredValue(context, 'workspace');
      const email = requiredValue(context, 'email');
      const { user, workspace } = await update(accounts, context, slug, email);
      context.print(
        formatUser(user, workspace),
        `${user.email} in ${workspace.slug}: ${done.replace('ROLE', user.role)}.`,
      );
      return 0;
    },
  };
}

export const userSetRoleCommand = userUpdateCommand(
  'user set-role',
  "Change a user's role; existing tokens and sessions act with the new role at once.",
  ['role'],
  (accounts, context, slug, email) => accounts.setRole(slug, email, requiredValue(context, 'role')),
  'role is now ROLE',
);

export const userDeactivateCommand = userUpdateCommand(
  'user deactivate',
  'Deactivate a user: their tokens and sessions stop working at once.',
  [],
  (accounts, _context, slug, email) => accounts.deactivateUser(slug, email),
  'deactivated',
);

export const userActivateCommand = userUpdateCommand(
  'user activate',
  'Reactivate a deactivated user.',
  [],
  (accounts, _context, slug, email) => accounts.activateUser(slug, email),
  'active',
);
