import type { FastifyReply } from 'fastify';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Sends a page. Every page carries the session's CSRF token or the user's email, or both, so none
 * may be kept by a cache, shared or the browser's own (`no-store`).
 */
export function sendPage(reply: FastifyReply, html: string, status = 200) {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

/** Escapes text for HTML content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

export interface PageContext {
  workspaceName: string;
  /** The signed-in user, for the workspace menu; absent on the login page. */
  user?: { name: string; role: string };
  /** The session's CSRF token, for the menu's log-out form (with `user`). */
  csrfToken?: string;
}

function workspaceMenu({ workspaceName, user, csrfToken }: PageContext): string {
  const menu = user
    ? `<nav aria-label="Workspace menu">
<ul>
<li><a href="/">Home</a></li>
<li><a href="/settings/api-tokens">API Tokens</a></li>
<li><a href="/settings/authorized-apps">Authorized apps</a></li>
<li><form method="post" action="/logout"><input type="hidden" name="_csrf" value="${escapeHtml(csrfToken ?? '')}"><button type="submit">Log out</button></form></li>
</ul>
</nav>
<span>${escapeHtml(user.name)} (${escapeHtml(user.role)})</span>`
    : '';
  return `<header><span class="workspace">${escapeHtml(workspaceName)}</span>${menu}</header>`;
}

/** A whole page: the header with the workspace menu, then `body` (already escaped HTML). */
export function renderPage(context: PageContext & { title: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(context.title)} · ${escapeHtml(context.workspaceName)} · Weft</title>
<link rel="stylesheet" href="/assets/weft.css">
</head>
<body>
${workspaceMenu(context)}
<main>
${context.body}
</main>
<script src="/assets/weft.js" defer></script>
</body>
</html>
`;
}
