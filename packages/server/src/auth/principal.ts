import type { Role, Session, Workspace, WorkspaceUser } from '../storage/index.ts';

/** Who a request acts for, however it was authenticated. */
export interface Principal {
  workspace: Workspace;
  user: WorkspaceUser;
  role: Role;
  credential: { kind: 'token'; id: string } | { kind: 'session'; id: string; session: Session };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on the routes that require it. */
    principal: Principal;
  }
}
