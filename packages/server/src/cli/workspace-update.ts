import { type CliCommand, requiredValue, UsageError } from './command.ts';

export const workspaceUpdateCommand: CliCommand = {
  name: 'workspace update',
  summary:
    "Set a workspace's own rate limit (requests per window, 0 for none), or `default` for WEFT_RATE_LIMIT_WORKSPACE.",
  usage: '<slug> --rate-limit N|default',
  options: { slug: { type: 'string' }, 'rate-limit': { type: 'string' } },
  positional: 'slug',
  required: ['slug', 'rate-limit'],
  async run(context) {
    const raw = requiredValue(context, 'rate-limit');
    if (raw !== 'default' && !/^\d{1,7}$/.test(raw))
      throw new UsageError('--rate-limit is a whole number (0 turns the workspace limit off) or "default"');
    const limit = raw === 'default' ? null : Number(raw);
    const workspace = await (await context.accounts()).setWorkspaceRateLimit(
      requiredValue(context, 'slug'),
      limit,
    );
    context.print(
      { id: workspace.id, slug: workspace.slug, rate_limit: limit },
      `Workspace ${workspace.slug}: ${limit === null ? 'the server’s rate limit (WEFT_RATE_LIMIT_WORKSPACE)' : `${limit} requests per window`}; running servers apply it within 10 s.`,
    );
    return 0;
  },
};
