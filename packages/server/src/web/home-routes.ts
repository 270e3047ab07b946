import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth/index.ts';
import type { ResolveWorkspace } from '../workspaces/index.ts';
import { escapeHtml, renderPage, sendPage } from './html.ts';
import { createPageAuth, pageContext, pageUser } from './page-auth.ts';

/** The workspace home page, for signed-in users; others are sent to the login page. */
export function homeRoutes({ auth, resolveWorkspace }: { auth: Auth; resolveWorkspace: ResolveWorkspace }) {
  const pageAuth = createPageAuth(auth);
  return async (app: FastifyInstance) => {
    app.get(
      '/',
      { onRequest: [resolveWorkspace, pageAuth], schema: { hide: true } },
      async (request, reply) => {
        const { workspace } = request.principal;
        const user = pageUser(request);
        const body = `<h1>${escapeHtml(workspace.name)}</h1>
<p>Signed in as ${escapeHtml(user.name)} (${escapeHtml(user.email)}), ${escapeHtml(user.role)} of workspace <code>${escapeHtml(workspace.slug)}</code>.</p>
<p>Programs call this workspace's API with an API token: create one on the <a href="/settings/api-tokens">API Tokens</a> page.</p>`;
        return sendPage(reply, renderPage({ ...pageContext(request), title: 'Home', body }));
      },
    );
  };
}
