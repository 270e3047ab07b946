import { randomUUID } from 'node:crypto';
import { createSampleSpace } from '../bootstrap/index.ts';
import { commandLimits } from '../commands/index.ts';
import { createLogger } from '../http/index.ts';
import { workspaceUrl } from '../workspaces/index.ts';
import { type CliCommand, requiredValue, stringValue } from './command.ts';

export const workspaceCreateCommand: CliCommand = {
  name: 'workspace create',
  summary: 'Create a workspace (with --sample, the Cricket sample space too); prints its URL.',
  usage: '<slug> [--name N] [--sample]',
  options: { slug: { type: 'string' }, name: { type: 'string' }, sample: { type: 'boolean' } },
  positional: 'slug',
  required: ['slug'],
  async run(context) {
    const accounts = await context.accounts();
    const workspace = await accounts.createWorkspace({
      slug: requiredValue(context, 'slug'),
      name: stringValue(context, 'name'),
    });
    if (context.values.sample === true) {
      const storage = await context.storage();
      // Written by no user: the workspace has none yet, so its sample entities have no creator.
      const system = {
        id: randomUUID(),
        workspaceId: workspace.id,
        accountId: '',
        publicId: 0,
        role: 'admin' as const,
        active: true,
      };
      await createSampleSpace({
        principal: { workspace, user: system, role: 'admin', credential: { kind: 'token', id: 'weft-cli' } },
        db: storage,
        limits: commandLimits(context.config),
        clock: Date,
        log: { log: createLogger('silent'), requestId: 'weft-cli' },
      });
    }
    const url = workspaceUrl(workspace.slug, context.config);
    context.print(
      { id: workspace.id, slug: workspace.slug, name: workspace.name, url },
      [
        `Created workspace ${workspace.slug} ("${workspace.name}")${context.values.sample === true ? ' with the sample space' : ''}.`,
        url
          ? `It answers at ${url}. Add a user: weft user create --workspace ${workspace.slug} --email E --name N --role admin`
          : `Set WEFT_BASE_DOMAIN to reach it: workspaces other than "${context.config.defaultWorkspace}" are served as subdomains.`,
      ].join('\n'),
    );
    return 0;
  },
};
