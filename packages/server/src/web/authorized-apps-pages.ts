import type { FastifyInstance } from 'fastify';
import type { Auth } from '../auth/index.ts';
import { SCOPE_MEANINGS } from '../auth/index.ts';
import type { OAuthAuthorization } from '../storage/index.ts';
import type { ResolveWorkspace } from '../workspaces/index.ts';
import { timeHtml } from './dates.ts';
import { html, renderPage, sendPage } from './html.ts';
import { checkFormCsrf, createPageAuth, pageContext } from './page-auth.ts';

/** The scopes of an app's grants together, named as on the consent page. */
function scopesOf(authorization: OAuthAuthorization): string[] {
  const scopes = new Set<string>();
  for (const { payload } of authorization.grants) {
    const openid = (payload.openid as { scope?: string } | undefined)?.scope ?? '';
    for (const scope of openid.split(' ').filter(Boolean))
      scopes.add(scope === 'offline_access' ? 'offline' : scope);
  }
  return [...scopes];
}

function appRow(a: OAuthAuthorization, csrf: string) {
  const created = Math.min(...a.grants.map((g) => g.createdAt ?? Number.POSITIVE_INFINITY));
  const used = Math.max(...a.grants.map((g) => g.lastUsedAt ?? -1));
  const scopes = scopesOf(a).map((s) => html`<li><code>${s}</code>: ${SCOPE_MEANINGS[s] ?? ''}</li>`);
  return html`<tr>
<td data-label="App">${a.clientName}</td>
<td data-label="May"><ul class="scopes">${scopes.length > 0 ? scopes : html`<li>API access</li>`}</ul></td>
<td data-label="Allowed">${timeHtml(Number.isFinite(created) ? created : null, Date.now())}</td>
<td data-label="Last used">${timeHtml(used >= 0 ? used : null, Date.now())}</td>
<td><form method="post" action="/settings/authorized-apps/revoke">
<input type="hidden" name="_csrf" value="${csrf}">
<input type="hidden" name="client_id" value="${a.clientId}">
<button type="submit" class="danger" aria-label="Revoke ${a.clientName}">Revoke</button>
</form></td>
</tr>`;
}

/**
 * The "Authorized apps" page of the workspace menu: the apps this account has allowed through OAuth
 * (in any workspace: an access token acts for the account wherever it is a member), and a Revoke
 * button that deletes the app's grants, codes and tokens at once.
 */
export function authorizedAppsPages({
  auth,
  resolveWorkspace,
}: {
  auth: Auth;
  resolveWorkspace: ResolveWorkspace;
}) {
  const pageAuth = createPageAuth(auth);
  const onRequest = [resolveWorkspace, pageAuth];

  return async (app: FastifyInstance) => {
    app.get('/settings/authorized-apps', { onRequest, schema: { hide: true } }, async (request, reply) => {
      const context = pageContext(request);
      const apps = await auth.oauth.clients.authorizations(request.principal.user.accountId);
      const revoked = (request.query as Record<string, unknown>).revoked;
      const notice =
        typeof revoked === 'string' && revoked
          ? html`<p class="notice" role="status">Access revoked for ${revoked.slice(0, 100)}: its tokens no longer work.</p>`
          : '';
      const table =
        apps.length === 0
          ? html`<p>You have not allowed any app. When an app asks to use Weft as you (OAuth), it appears here, and you can revoke it.</p>`
          : html`<table>
<caption class="visually-hidden">Apps you have allowed</caption>
<thead><tr><th scope="col">App</th><th scope="col">May</th><th scope="col">Allowed</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${apps.map((a) => appRow(a, context.csrfToken))}
</tbody>
</table>`;
      const body = html`<h1>Authorized apps</h1>
<p>Apps you have allowed to use the API as you, in every workspace you belong to.</p>
${notice}
${table}`;
      return sendPage(reply, renderPage({ ...context, title: 'Authorized apps', body }));
    });

    app.post(
      '/settings/authorized-apps/revoke',
      { onRequest, schema: { hide: true } },
      async (request, reply) => {
        checkFormCsrf(request);
        const clientId = (request.body as Record<string, unknown>).client_id;
        const accountId = request.principal.user.accountId;
        if (typeof clientId !== 'string') return reply.redirect('/settings/authorized-apps', 303);
        const name = (await auth.oauth.clients.authorizations(accountId)).find(
          (a) => a.clientId === clientId,
        )?.clientName;
        if (!name) return reply.redirect('/settings/authorized-apps', 303);
        await auth.oauth.clients.revokeAuthorization(accountId, clientId);
        return reply.redirect(`/settings/authorized-apps?revoked=${encodeURIComponent(name)}`, 303);
      },
    );
  };
}
