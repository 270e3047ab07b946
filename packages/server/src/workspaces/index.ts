export { createResolveWorkspace, type ResolveWorkspace } from './resolve-workspace.ts';
export { workspaceSlugForHost } from './workspace-slug-for-host.ts';
