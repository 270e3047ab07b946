export { createResolveWorkspace, type ResolveWorkspace } from './resolve-workspace.ts';
export { workspaceSlugForHost } from './workspace-slug-for-host.ts';
export { workspaceUrl } from './workspace-url.ts';
