import { workspaceUrl } from '../workspaces/index.ts';
import type { CliCommand } from './command.ts';
import { formatTable } from './table.ts';

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
    const text = formatTable(
      ['SLUG', 'NAME', 'URL', 'RATE LIMIT'],
      rows.map((w) => [
        w.slug,
        w.name,
        workspaceUrl(w.slug, context.config) ?? '-',
        w.rate_limit === null ? 'default' : String(w.rate_limit),
      ]),
      'No workspaces. Create one: weft workspace create acme',
    );
    context.print({ workspaces: rows }, text);
    return 0;
  },
};
