import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountsService } from '../auth/index.ts';
import type { Clock } from '../clock.ts';
import type { Workspace } from '../storage/index.ts';
import { workspaceSlugForHost } from './workspace-slug-for-host.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The workspace the Host names; set by the `resolveWorkspace` hook on the routes that need one. */
    workspace: Workspace;
  }
}

/** How long a found workspace is reused before it is read again. */
const CACHE_MS = 10_000;

/**
 * A hook for workspace routes: finds the workspace the Host names, or answers 404 WORKSPACE_NOT_FOUND
 * with its name. Found workspaces are cached briefly (slugs never change and workspaces are never
 * deleted); a miss is never cached, so a workspace created by the CLI is served at once.
 */
export function createResolveWorkspace({
  accounts,
  config,
  clock = Date,
}: {
  accounts: AccountsService;
  config: { baseDomain: string | undefined; defaultWorkspace: string };
  clock?: Clock;
}) {
  const cache = new Map<string, { workspace: Workspace; until: number }>();
  /** Callback-style, so that a cached workspace costs no promise. */
  return function resolveWorkspace(
    request: FastifyRequest,
    _reply: FastifyReply,
    done: (error?: Error) => void,
  ) {
    const slug = workspaceSlugForHost(request.headers.host, config);
    const cached = cache.get(slug);
    if (cached && cached.until > clock.now()) {
      request.workspace = cached.workspace;
      return done();
    }
    accounts.getWorkspace(slug).then((workspace) => {
      request.workspace = workspace;
      if (cache.size > 10_000) cache.clear();
      cache.set(slug, { workspace, until: clock.now() + CACHE_MS });
      done();
    }, done);
  };
}

export type ResolveWorkspace = ReturnType<typeof createResolveWorkspace>;
