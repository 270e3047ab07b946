import type { FastifyRequest } from 'fastify';
import type { AccountsService } from '../auth/accounts/index.ts';
import type { Workspace } from '../storage/index.ts';
import { workspaceSlugForHost } from './workspace-slug-for-host.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The workspace the Host names; set by the `resolveWorkspace` hook on the routes that need one. */
    workspace: Workspace;
  }
}

/**
 * A hook for workspace routes: finds the workspace the Host names, or answers 404 WORKSPACE_NOT_FOUND
 * with its name.
 */
export function createResolveWorkspace({
  accounts,
  config,
}: {
  accounts: AccountsService;
  config: { baseDomain: string | undefined; defaultWorkspace: string };
}) {
  return async function resolveWorkspace(request: FastifyRequest) {
    request.workspace = await accounts.getWorkspace(workspaceSlugForHost(request.headers.host, config));
  };
}
