import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../auth/index.ts';
import { WeftError } from '../errors/index.ts';
import type { ApiToken } from '../storage/index.ts';
import type { ResolveWorkspace } from '../workspaces/index.ts';
import { timeHtml } from './dates.ts';
import { openFlash, sealFlash } from './flash.ts';
import { type Html, html, renderPage, sendPage } from './html.ts';
import { checkFormCsrf, createPageAuth, pageContext } from './page-auth.ts';

const PAGE = '/settings/api-tokens';
/** The new token's one-time cookie: only this page gets it, for a minute. */
const FLASH = 'weft_new_token';
const FLASH_OPTIONS = { path: PAGE, httpOnly: true, sameSite: 'strict' as const, maxAge: 60 };
/** After a delete, which notice the page shows (nothing secret: the token's description is not sent). */
const DELETED = 'deleted';

function tokenTable(tokens: ApiToken[], now: number): Html {
  if (tokens.length === 0) {
    return html`<p id="no-tokens">You have no API tokens yet. A token lets a script, an integration or a tool such as n8n call this workspace's API as you, without your password.</p>`;
  }
  const rows = tokens.map(
    (t) => html`<tr>
<td data-label="Description">${t.description || html`<em>No description</em>`}</td>
<td data-label="Token"><code class="nowrap">${t.display}</code></td>
<td data-label="Created">${timeHtml(t.createdAt, now)}</td>
<td data-label="Last used">${timeHtml(t.lastUsedAt, now)}</td>
<td><form method="get" action="${PAGE}/${t.id}/delete"><button type="submit" class="danger" aria-label="Delete ${t.description ?? t.display}">Delete</button></form></td>
</tr>`,
  );
  return html`<table>
<caption class="visually-hidden">Your API tokens</caption>
<thead><tr><th scope="col">Description</th><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function generateForm(csrf: string, count: number, limit: number): Html {
  if (count >= limit) {
    return html`<p class="notice" id="limit-reached">You have ${limit} tokens, the most you can have. To make a new one, delete one you no longer use.</p>`;
  }
  return html`<form method="post" action="${PAGE}">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="description">Description (optional)</label>
<input id="description" name="description" type="text" maxlength="200" placeholder="What will use this token?">
<p><button type="submit" class="primary">Generate token</button></p>
</form>`;
}

function newTokenNotice(value: string, origin: string): Html {
  return html`<section class="warning" aria-labelledby="new-token-heading">
<h2 id="new-token-heading">Your new API token</h2>
<p>Copy it now: it is shown only this once. Keep it secret: it acts with all of your privileges.</p>
<label for="new-token">Token</label>
<div class="copy-row">
<input id="new-token" class="secret" type="text" readonly autofocus value="${value}">
<button type="button" data-copy="new-token">Copy</button>
</div>
<span id="new-token-status" role="status" aria-live="polite"></span>
<p>Use it like this:</p>
<pre class="usage"><code>curl ${origin}/api/commands -H 'Authorization: Token ${value}' -H 'Content-Type: application/json' -d '[{"command": "fibery.schema/query"}]'</code></pre>
</section>`;
}

/**
 * The "API Tokens" page of the workspace menu: list, generate and delete. Generating is a POST
 * answered by a 303 back to the page, which shows the new token once (from an encrypted one-time
 * cookie, see flash.ts), so a reload neither shows it again nor makes another token.
 */
export function tokenPages({ auth, resolveWorkspace }: { auth: Auth; resolveWorkspace: ResolveWorkspace }) {
  const pageAuth = createPageAuth(auth);
  const onRequest = [resolveWorkspace, pageAuth];
  const sessionSecret = (request: FastifyRequest) => request.cookies[auth.cookies.session] ?? '';

  async function sendTokensPage(
    request: FastifyRequest,
    reply: FastifyReply,
    notice: Html | string = '',
    status = 200,
  ) {
    const context = pageContext(request);
    const tokens = await auth.tokens.listTokens(request.principal.user);
    const limit = auth.tokens.limit;
    const body = html`<h1>API Tokens</h1>
<p>Programs use an API token to call this workspace's API as you: <code>Authorization: Token &lt;token&gt;</code>.</p>
<p id="token-count">${tokens.length} of ${limit} tokens</p>
${notice}
${tokenTable(tokens, Date.now())}
${generateForm(context.csrfToken, tokens.length, limit)}`;
    return sendPage(reply, renderPage({ ...context, title: 'API Tokens', body }), { status });
  }

  return async (app: FastifyInstance) => {
    app.get(PAGE, { onRequest, schema: { hide: true } }, (request, reply) => {
      const value = openFlash(request.cookies[FLASH], sessionSecret(request));
      if (request.cookies[FLASH] !== undefined) reply.clearCookie(FLASH, FLASH_OPTIONS);
      const deleted = (request.query as Record<string, unknown>)[DELETED] !== undefined;
      const notice = value
        ? newTokenNotice(value, `${request.protocol}://${request.headers.host}`)
        : deleted
          ? html`<p class="notice" role="status">Token deleted. Programs that used it get 401 from now on.</p>`
          : '';
      return sendTokensPage(request, reply, notice);
    });

    app.post(PAGE, { onRequest, schema: { hide: true } }, async (request, reply) => {
      checkFormCsrf(request);
      const description = (request.body as Record<string, unknown>).description;
      try {
        const { value } = await auth.tokens.createToken(
          request.principal.user,
          typeof description === 'string' ? description : null,
        );
        reply.setCookie(FLASH, sealFlash(value, sessionSecret(request)), {
          ...FLASH_OPTIONS,
          secure: auth.cookies.secure,
        });
        return reply.redirect(PAGE, 303);
      } catch (error) {
        if (!(error instanceof WeftError) || error.status >= 500) throw error;
        const message =
          error.code === 'TOKEN_LIMIT_REACHED'
            ? `You have ${auth.tokens.limit} tokens, the most you can have. To make a new one, delete one you no longer use.`
            : error.message;
        return sendTokensPage(
          request,
          reply,
          html`<p class="error" role="alert">${message}</p>`,
          error.status,
        );
      }
    });

    const params = {
      type: 'object',
      properties: { id: { type: 'string', format: 'uuid' } },
      required: ['id'],
    };

    app.get(`${PAGE}/:id/delete`, { onRequest, schema: { hide: true, params } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const token = (await auth.tokens.listTokens(request.principal.user)).find((t) => t.id === id);
      if (!token) return reply.redirect(PAGE, 303);
      const context = pageContext(request);
      const name = token.description ?? token.display;
      const body = html`<h1>Delete API token</h1>
<p>Delete the token <strong>${name}</strong> (<code class="nowrap">${token.display}</code>)? Programs that use it will get 401 from their next request.</p>
<form method="post" action="${PAGE}/${token.id}/delete" class="actions">
<input type="hidden" name="_csrf" value="${context.csrfToken}">
<button type="submit" class="danger">Delete token</button>
<a class="button" href="${PAGE}">Cancel</a>
</form>`;
      return sendPage(reply, renderPage({ ...context, title: 'Delete API token', body }));
    });

    app.post(`${PAGE}/:id/delete`, { onRequest, schema: { hide: true, params } }, async (request, reply) => {
      checkFormCsrf(request);
      const { id } = request.params as { id: string };
      await auth.tokens.deleteToken(request.principal.user, id).catch((error) => {
        if (!(error instanceof WeftError && error.code === 'TOKEN_NOT_FOUND')) throw error;
      });
      return reply.redirect(`${PAGE}?${DELETED}`, 303);
    });
  };
}
