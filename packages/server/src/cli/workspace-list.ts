import type { CliCommand } from './command.ts';

export const workspaceListCommand: CliCommand = {
  name: 'workspace list',
  summary: 'List the workspaces.',
  usage: '',
  options: {},
  async run(context) {
    const workspaces = await (await context.accounts()).listWorkspaces();
    const rows = workspaces.map((w) => ({
      id: w.id,
      slug: w.slug,
      name: w.name,
      created_at: new Date(w.createdAt).toISOString(),
      rate_limit: w.rateLimit ?? null,
    }));
    const text = rows.length === 0 ? 'No workspaces.' : rows.map((w) => `${w.slug}\t${w.name}`).join('\n');
    context.print({ workspaces: rows }, text);
    return 0;
  },
};
