import type { FastifyReply } from 'fastify';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** HTML made by `html` (or marked trusted by `raw`): put into other HTML as it is. */
export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** What a page may put into HTML: text (escaped), HTML, a list of them, or nothing. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('\n');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * HTML from a template whose every value is escaped, unless it is HTML itself (made by `html`):
 * ``html`<p>${name}</p>` `` cannot inject markup, whatever `name` holds. A list is its items, one
 * per line; null, undefined and false are nothing.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let text = strings[0]!;
  for (const [i, value] of values.entries()) text += render(value) + strings[i + 1]!;
  return new Html(text);
}

/** HTML items with `separator` (text, escaped) between them. */
export function joinHtml(items: readonly HtmlValue[], separator: string): Html {
  return new Html(items.map(render).join(escapeHtml(separator)));
}

/** Trusted HTML, put in as it is: only for markup written in the code, never for input. */
export const raw = (text: string) => new Html(text);

/**
 * Content-Security-Policies by what a response is. Every response gets `API` unless its route
 * chose another: a JSON answer runs nothing and loads nothing.
 */
export const CSP = {
  API: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  /** A page: its own script, styles and images; forms post to this origin. */
  PAGE: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  /** The home page also calls the API from its console. */
  CONSOLE:
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

/**
 * Sends a page with its Content-Security-Policy. Every page carries the session's CSRF token or the
 * user's email, or both, so none may be kept by a cache, shared or the browser's own (`no-store`).
 */
export function sendPage(reply: FastifyReply, page: Html, { status = 200, csp = CSP.PAGE } = {}) {
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', csp);
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page.text);
}

export interface PageContext {
  workspaceName: string;
  /** The signed-in user, for the workspace menu; absent on the login page. */
  user?: { name: string; role: string };
  /** The session's CSRF token, for the menu's log-out form (with `user`). */
  csrfToken?: string;
}

function workspaceMenu({ workspaceName, user, csrfToken }: PageContext): Html {
  const menu = user
    ? html`<nav aria-label="Workspace menu">
<ul>
<li><a href="/">Home</a></li>
<li><a href="/settings/api-tokens">API Tokens</a></li>
<li><a href="/settings/authorized-apps">Authorized apps</a></li>
<li><form method="post" action="/logout"><input type="hidden" name="_csrf" value="${csrfToken ?? ''}"><button type="submit">Log out</button></form></li>
</ul>
</nav>
<span>${user.name} (${user.role})</span>`
    : '';
  return html`<header><span class="workspace">${workspaceName}</span>${menu}</header>`;
}

/** A whole page: the header with the workspace menu, then `body` (already escaped HTML). */
export function renderPage(context: PageContext & { title: string; body: Html }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${context.title} · ${context.workspaceName} · Weft</title>
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
