import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../auth/index.ts';
import { WeftError } from '../http/errors.ts';
import type { ApiToken } from '../storage/index.ts';
import type { ResolveWorkspace } from '../workspaces/index.ts';
import { escapeHtml, renderPage, sendPage } from './html.ts';
import { checkFormCsrf, createPageAuth, pageContext } from './page-auth.ts';

const date = (ms: number | null) =>
  ms === null
    ? 'never'
    : `<time datetime="${new Date(ms).toISOString()}">${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC</time>`;

function tokenTable(tokens: ApiToken[]): string {
  if (tokens.length === 0) return '<p>You have no API tokens.</p>';
  const rows = tokens
    .map(
      (t) => `<tr>
<td>${t.description ? escapeHtml(t.description) : '<em>No description</em>'}</td>
<td><code>${escapeHtml(t.display)}</code></td>
<td>${date(t.createdAt)}</td>
<td>${date(t.lastUsedAt)}</td>
<td><a href="/settings/api-tokens/${t.id}/delete" role="button" aria-label="Delete ${escapeHtml(t.description ?? t.display)}">Delete</a></td>
</tr>`,
    )
    .join('\n');
  return `<table>
<caption class="visually-hidden">Your API tokens</caption>
<thead><tr><th scope="col">Description</th><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function generateForm(csrf: string, count: number, limit: number): string {
  if (count >= limit) {
    return `<p class="notice" id="limit-reached">You have ${limit} API tokens, the most a user may have. Delete one to generate another.</p>`;
  }
  return `<form method="post" action="/settings/api-tokens">
<input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
<label for="description">Description (optional)</label>
<input id="description" name="description" type="text" maxlength="200" placeholder="What will use this token?">
<p><button type="submit">Generate token</button></p>
</form>`;
}

function newTokenNotice(value: string): string {
  return `<section class="warning" aria-labelledby="new-token-heading">
<h2 id="new-token-heading">Your new API token</h2>
<p>Copy it now: it is shown only this once. Keep it secret: it acts with all of your privileges.</p>
<label for="new-token">Token</label>
<input id="new-token" class="secret" type="text" readonly value="${escapeHtml(value)}">
<button type="button" data-copy="new-token">Copy</button>
<span id="new-token-status" role="status" aria-live="polite"></span>
</section>`;
}

/** The "API Tokens" page of the workspace menu: list, generate (shown once) and delete with a confirmation. */
export function tokenPages({ auth, resolveWorkspace }: { auth: Auth; resolveWorkspace: ResolveWorkspace }) {
  const pageAuth = createPageAuth(auth);
  const onRequest = [resolveWorkspace, pageAuth];

  async function sendTokensPage(request: FastifyRequest, reply: FastifyReply, notice = '', status = 200) {
    const context = pageContext(request);
    const tokens = await auth.tokens.listTokens(request.principal.user);
    const body = `<h1>API Tokens</h1>
<p>Programs use an API token to call this workspace's API as you: <code>Authorization: Token &lt;token&gt;</code>.</p>
${notice}
${tokenTable(tokens)}
${generateForm(context.csrfToken, tokens.length, auth.tokens.limit)}`;
    return sendPage(reply, renderPage({ ...context, title: 'API Tokens', body }), status);
  }

  return async (app: FastifyInstance) => {
    app.get('/settings/api-tokens', { onRequest, schema: { hide: true } }, (request, reply) =>
      sendTokensPage(request, reply),
    );

    app.post('/settings/api-tokens', { onRequest, schema: { hide: true } }, async (request, reply) => {
      checkFormCsrf(request);
      const description = (request.body as Record<string, unknown>).description;
      try {
        const { value } = await auth.tokens.createToken(
          request.principal.user,
          typeof description === 'string' ? description : null,
        );
        return sendTokensPage(request, reply, newTokenNotice(value), 201);
      } catch (error) {
        if (!(error instanceof WeftError) || error.status >= 500) throw error;
        return sendTokensPage(
          request,
          reply,
          `<p class="error" role="alert">${escapeHtml(error.message)}</p>`,
          error.status,
        );
      }
    });

    const params = {
      type: 'object',
      properties: { id: { type: 'string', format: 'uuid' } },
      required: ['id'],
    };

    app.get(
      '/settings/api-tokens/:id/delete',
      { onRequest, schema: { hide: true, params } },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const token = (await auth.tokens.listTokens(request.principal.user)).find((t) => t.id === id);
        if (!token) return reply.redirect('/settings/api-tokens', 303);
        const context = pageContext(request);
        const name = token.description ?? token.display;
        const body = `<h1>Delete API token</h1>
<p>Delete the token <strong>${escapeHtml(name)}</strong> (<code>${escapeHtml(token.display)}</code>)? Programs that use it will get 401 from their next request.</p>
<form method="post" action="/settings/api-tokens/${token.id}/delete">
<input type="hidden" name="_csrf" value="${escapeHtml(context.csrfToken)}">
<button type="submit" class="danger">Delete token</button>
<a href="/settings/api-tokens">Cancel</a>
</form>`;
        return sendPage(reply, renderPage({ ...context, title: 'Delete API token', body }));
      },
    );

    app.post(
      '/settings/api-tokens/:id/delete',
      { onRequest, schema: { hide: true, params } },
      async (request, reply) => {
        checkFormCsrf(request);
        const { id } = request.params as { id: string };
        await auth.tokens.deleteToken(request.principal.user, id).catch((error) => {
          if (!(error instanceof WeftError && error.code === 'TOKEN_NOT_FOUND')) throw error;
        });
        return reply.redirect('/settings/api-tokens', 303);
      },
    );
  };
}
