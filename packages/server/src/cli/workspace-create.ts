import { type CliCommand, requiredValue, stringValue } from './command.ts';

export const workspaceCreateCommand: CliCommand = {
  name: 'workspace create',
  summary: 'Create a workspace.',
  usage: '<slug> [--name N]',
  options: { slug: { type: 'string' }, name: { type: 'string' } },
  positional: 'slug',
  required: ['slug'],
  async run(context) {
    const accounts = await context.accounts();
    const workspace = await accounts.createWorkspace({
      slug: requiredValue(context, 'slug'),
      name: stringValue(context, 'name'),
    });
    context.print(
      { id: workspace.id, slug: workspace.slug, name: workspace.name },
      `Created workspace ${workspace.slug} ("${workspace.name}").`,
    );
    return 0;
  },
};
