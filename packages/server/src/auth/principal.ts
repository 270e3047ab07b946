import type { Role, Session, TokenUser, Workspace, WorkspaceUser } from '../storage/index.ts';

/** Who a request acts for, however it was authenticated. */
export interface Principal {
  workspace: Workspace;
  /** The workspace user: its `id` is the `fibery/id`; role and state as stored now. */
  user: TokenUser;
  role: Role;
  credential:
    | { kind: 'token'; id: string }
    /** An OAuth access token: `id` is its grant's, so every token of one consent shares a limit. */
    | { kind: 'oauth'; id: string; clientId: string }
    /** A browser session also carries the user's name and email, for the pages. */
    | { kind: 'session'; id: string; session: Session; user: WorkspaceUser };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on the routes that require it. */
    principal: Principal;
  }
}
