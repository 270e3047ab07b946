import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../auth/index.ts';
import { DEVICE_COOKIE_MAX_AGE_S } from '../auth/index.ts';
import { WeftError } from '../errors/index.ts';
import { isCsrfTokenValid, isSameOrigin } from '../http/index.ts';
import { randomBase62 } from '../security/index.ts';
import type { ResolveWorkspace } from '../workspaces/index.ts';
import { html, renderPage, sendPage } from './html.ts';
import { checkFormCsrf, createPageAuth } from './page-auth.ts';

function loginPage(workspaceName: string, csrf: string, { email = '', error = '' } = {}) {
  const body = html`<h1>Log in to ${workspaceName}</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${email}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button type="submit" class="primary">Log in</button></p>
</form>`;
  return renderPage({ workspaceName, title: 'Log in', body });
}

/**
 * `GET /login`, `POST /login` and `POST /logout`. The login form is protected against login CSRF by
 * the same-origin check and a double-submit token (a random cookie repeated in the form).
 */
export function loginRoutes({ auth, resolveWorkspace }: { auth: Auth; resolveWorkspace: ResolveWorkspace }) {
  const { cookies } = auth;
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: cookies.secure };
  const pageAuth = createPageAuth(auth);

  function sendLoginPage(request: FastifyRequest, reply: FastifyReply, status: number, extra = {}) {
    const csrf = randomBase62(32);
    reply.setCookie(cookies.loginCsrf, csrf, { ...cookieOptions, maxAge: 3600 });
    return sendPage(reply, loginPage(request.workspace.name, csrf, extra), { status });
  }

  return async (app: FastifyInstance) => {
    app.get('/login', { onRequest: resolveWorkspace, schema: { hide: true } }, (request, reply) =>
      sendLoginPage(request, reply, 200),
    );

    app.post('/login', { onRequest: resolveWorkspace, schema: { hide: true } }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const email = typeof body.email === 'string' ? body.email : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const expected = request.cookies[cookies.loginCsrf];
      if (
        !isSameOrigin(request, auth.config.publicUrl) ||
        !expected ||
        !isCsrfTokenValid(body._csrf, expected)
      ) {
        return sendLoginPage(request, reply, 403, {
          email,
          error: 'The form has expired: please log in again.',
        });
      }
      try {
        const { secret, deviceCookie } = await auth.sessions.logIn(
          request.workspace,
          email,
          password,
          request.ip,
          request.cookies,
        );
        if (deviceCookie.value)
          reply.setCookie(deviceCookie.name, deviceCookie.value, {
            ...cookieOptions,
            maxAge: DEVICE_COOKIE_MAX_AGE_S,
          });
        return reply
          .clearCookie(cookies.loginCsrf, cookieOptions)
          .setCookie(cookies.session, secret, {
            ...cookieOptions,
            maxAge: auth.config.sessionAbsoluteTimeout,
          })
          .redirect('/', 303);
      } catch (error) {
        if (!(error instanceof WeftError)) throw error;
        const retry = error.details?.retry_after_s;
        if (retry) reply.header('retry-after', String(retry));
        return sendLoginPage(request, reply, error.status, { email, error: error.message });
      }
    });

    app.post(
      '/logout',
      { onRequest: [resolveWorkspace, pageAuth], schema: { hide: true } },
      async (request, reply) => {
        checkFormCsrf(request);
        const { credential } = request.principal;
        if (credential.kind === 'session') await auth.sessions.logOut(credential.session);
        return reply.clearCookie(cookies.session, cookieOptions).redirect('/login', 303);
      },
    );
  };
}
