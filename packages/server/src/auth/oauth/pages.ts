/**
 * The authorization server's pages: log in, consent, and the error page for requests that cannot be
 * sent back to an app. Server-rendered in the look of the other pages, with no script.
 */
import { html, renderPage } from '../../web/index.ts';

const SITE = 'Weft';

/** What each scope lets an app do, in the user's words. */
export const SCOPE_MEANINGS: Record<string, string> = {
  openid: 'Know who you are: your name and email address.',
  offline: 'Stay connected when you are not using it (it may refresh its access until you revoke it).',
  offline_access: 'Stay connected when you are not using it (it may refresh its access until you revoke it).',
};

/** The hidden fields every form of an interaction carries. */
const hidden = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

export function oauthLoginPage({
  uid,
  csrf,
  appName,
  email = '',
  error = '',
}: {
  uid: string;
  csrf: string;
  appName: string;
  email?: string;
  error?: string;
}) {
  const body = html`<h1>Log in to continue to ${appName}</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/oauth2/interaction/${uid}/login">
${hidden(csrf)}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${email}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button type="submit" class="primary">Log in</button></p>
</form>`;
  return renderPage({ workspaceName: SITE, title: 'Log in', body });
}

export function oauthConsentPage({
  uid,
  csrf,
  appName,
  scopes,
  account,
}: {
  uid: string;
  csrf: string;
  appName: string;
  scopes: string[];
  account: { name: string; email: string };
}) {
  const items = [
    'Use the Fibery API as you, in each workspace you belong to, with your role there.',
    ...new Set(scopes.map((s) => SCOPE_MEANINGS[s]).filter(Boolean)),
  ].map((text) => html`<li>${text ?? ''}</li>`);
  const body = html`<h1>Allow ${appName}?</h1>
<p>You are signed in as <strong>${account.name}</strong> (${account.email}).</p>
<p>${appName} asks to:</p>
<ul class="scopes">
${items}
</ul>
<p>You can revoke its access at any time on the Authorized apps page of a workspace.</p>
<form method="post" action="/oauth2/interaction/${uid}/consent" class="actions">
${hidden(csrf)}
<button type="submit" name="decision" value="allow" class="primary">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`;
  return renderPage({ workspaceName: SITE, title: `Allow ${appName}?`, body });
}

/**
 * The page for an authorization request that cannot be answered to the app (unknown app, redirect URI
 * not registered, an expired login): it says so and links nowhere else.
 */
export function renderOAuthError(out: { error?: string; error_description?: string }) {
  const body = html`<h1>This sign-in link does not work</h1>
<p class="error" role="alert">${out.error_description ?? 'The request is invalid.'}</p>
<p>Error code: <code>${out.error ?? 'invalid_request'}</code>. Go back to the app and start again; if it keeps happening, tell the app's developer.</p>`;
  return renderPage({ workspaceName: SITE, title: 'Sign-in error', body });
}
