import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../auth/index.ts';
import { authErrors } from '../auth/index.ts';
import { WeftError } from '../errors/index.ts';
import { isCsrfTokenValid } from '../http/index.ts';
import type { PageContext } from './html.ts';

const AUTH_CODES = new Set([
  'AUTH_REQUIRED',
  'SESSION_INVALID',
  'USER_DEACTIVATED',
  'TOKEN_INVALID',
  'TOKEN_MALFORMED',
]);

/**
 * Hook for pages: like the API's authentication, but a visitor without a live session is sent to
 * the login page instead of getting a 401. State-changing forms must also carry the session's CSRF
 * token in `_csrf`.
 */
export function createPageAuth(auth: Auth) {
  return async function pageAuth(request: FastifyRequest, reply: FastifyReply) {
    try {
      request.principal = await auth.authenticate(request);
      if (request.principal.credential.kind !== 'session') return reply.redirect('/login', 303);
    } catch (error) {
      if (error instanceof WeftError && AUTH_CODES.has(error.code)) return reply.redirect('/login', 303);
      throw error;
    }
  };
}

/** Throws CSRF_REJECTED unless the form's `_csrf` matches the session's token. */
export function checkFormCsrf(request: FastifyRequest) {
  const credential = request.principal.credential;
  const given = (request.body as Record<string, unknown> | undefined)?._csrf;
  if (credential.kind !== 'session' || !isCsrfTokenValid(given, credential.session.csrfToken)) {
    throw authErrors.CSRF_REJECTED(
      'The form has expired or did not come from this site: reload the page and try again.',
    );
  }
}

/** The browser session a page is served to (pageAuth lets no other credential through). */
function sessionOf(request: FastifyRequest) {
  const { credential } = request.principal;
  if (credential.kind !== 'session') throw new Error('pages are only served to browser sessions');
  return credential;
}

/** The signed-in user of a page. */
export function pageUser(request: FastifyRequest) {
  return sessionOf(request).user;
}

export function pageContext(request: FastifyRequest): PageContext & { csrfToken: string } {
  const { user, session } = sessionOf(request);
  return {
    workspaceName: request.principal.workspace.name,
    user: { name: user.name, role: user.role },
    csrfToken: session.csrfToken,
  };
}
