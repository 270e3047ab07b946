import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { countHeader, isSafeMethod, isSameOrigin } from '../http/index.ts';
import { authErrors } from './errors.ts';
import type { AccessTokenVerifier, VerifiedAccessToken } from './oauth/index.ts';
import type { Principal } from './principal.ts';
import type { SessionsService } from './sessions/index.ts';
import { isWellFormedToken, type TokensService, type VerifiedToken } from './tokens/index.ts';

/** Query parameters that carry credentials in other APIs; Weft refuses them rather than ignore them. */
const CREDENTIAL_PARAMS = new Set([
  'token',
  'access_token',
  'api_key',
  'apikey',
  'api_token',
  'auth',
  'authorization',
]);

export interface CookieNames {
  session: string;
}

function checkNoCredentialInQuery(request: FastifyRequest) {
  const at = request.url.indexOf('?');
  if (at === -1) return;
  for (const [key, value] of new URLSearchParams(request.url.slice(at + 1))) {
    if (CREDENTIAL_PARAMS.has(key.toLowerCase()) || isWellFormedToken(value)) {
      throw authErrors.TOKEN_IN_QUERY(
        `A credential was sent in the query string ("${key}"); it is not used. Send it as "Authorization: Token <token>".`,
      );
    }
  }
}

function checkUser(
  user: { workspaceId: string; active: boolean },
  request: FastifyRequest,
  invalid: () => Error,
) {
  if (user.workspaceId !== request.workspace.id) throw invalid();
  if (!user.active) throw authErrors.USER_DEACTIVATED('The user of this credential is deactivated.');
}

/**
 * The one authentication step of every API route. `Authorization: Token` or `Bearer` selects an API
 * token and cookies are then ignored; without the header the session cookie is used, and a
 * state-changing request must then come from this site. The principal carries the user's role as
 * stored now, so role changes and deactivations apply on the next request.
 */
const invalidToken = () => authErrors.TOKEN_INVALID('The API token is not valid for this workspace.');

export function createAuthenticate({
  tokens,
  accessTokens,
  sessions,
  cookies,
  publicUrl,
  workspaceOf,
}: {
  /** A workspace's slug and URL by id, to name it when a token is sent to another workspace. */
  workspaceOf: (id: string) => Promise<{ slug: string; url: string | null } | null>;
  tokens: TokensService;
  accessTokens: AccessTokenVerifier;
  sessions: SessionsService;
  cookies: CookieNames;
  publicUrl: string;
}) {
  /** A token of another workspace: says which, and where it answers. */
  async function wrongWorkspace(request: FastifyRequest, workspaceId: string): Promise<never> {
    const owner = await workspaceOf(workspaceId);
    if (!owner) throw invalidToken();
    throw authErrors.TOKEN_INVALID(
      `This API token belongs to workspace "${owner.slug}", not "${request.workspace.slug}": send it to ${owner.url ?? `workspace "${owner.slug}"`}.`,
      { token_workspace: owner.slug, workspace: request.workspace.slug },
    );
  }

  function tokenPrincipal(request: FastifyRequest, found: VerifiedToken): Principal | Promise<Principal> {
    if (found.user.workspaceId !== request.workspace.id)
      return wrongWorkspace(request, found.user.workspaceId);
    checkUser(found.user, request, invalidToken);
    return {
      workspace: request.workspace,
      user: found.user,
      role: found.user.role,
      credential: { kind: 'token', id: found.token.id },
    };
  }

  function oauthPrincipal(request: FastifyRequest, found: VerifiedAccessToken): Principal {
    return {
      workspace: request.workspace,
      user: found.user,
      role: found.user.role,
      credential: { kind: 'oauth', id: found.grantId, clientId: found.clientId },
    };
  }

  /** Synchronous when the token was verified since the last write (the common case), else a promise. */
  function fromAuthorization(request: FastifyRequest, header: string): Principal | Promise<Principal> {
    const match = /^([A-Za-z]+)(?: +(.*))?$/.exec(header);
    if (!match) throw authErrors.AUTH_MALFORMED('The Authorization header must be "Token <token>".');
    const scheme = match[1]!.toLowerCase();
    if (scheme !== 'token' && scheme !== 'bearer') {
      throw authErrors.AUTH_SCHEME_UNSUPPORTED(
        `The "${match[1]}" scheme is not supported: use "Token <token>".`,
      );
    }
    const value = (match[2] ?? '').trim();
    if (!value) throw authErrors.AUTH_MALFORMED(`"${match[1]}" needs a token after it.`);
    // A Bearer value is an API token by its form (weft_…), else an OAuth access token.
    if (scheme === 'bearer' && !isWellFormedToken(value)) {
      const found = accessTokens.verify(value, request.workspace);
      return found instanceof Promise
        ? found.then((f) => oauthPrincipal(request, f))
        : oauthPrincipal(request, found);
    }
    const cached = tokens.verifyCachedToken(value);
    if (cached) return tokenPrincipal(request, cached);
    return tokens.verifyToken(value).then((found) => {
      // Which failure it was is asked only on the failure path, so a valid token is checked once.
      if (!found && !isWellFormedToken(value)) {
        throw authErrors.TOKEN_MALFORMED('This is not a Weft API token (wrong prefix, length or checksum).');
      }
      if (!found) throw invalidToken();
      return tokenPrincipal(request, found);
    });
  }

  async function fromCookie(request: FastifyRequest, secret: string): Promise<Principal> {
    const found = await sessions.verifySession(secret);
    const invalid = () => authErrors.SESSION_INVALID('The session has ended: log in again.');
    if (!found) throw invalid();
    const { user } = found.owner;
    checkUser(user, request, invalid);
    if (!isSafeMethod(request.method) && !isSameOrigin(request, publicUrl)) {
      throw authErrors.CSRF_REJECTED('This request was not made from this site.');
    }
    return {
      workspace: request.workspace,
      user,
      role: user.role,
      credential: { kind: 'session', id: found.session.id, session: found.session, user },
    };
  }

  /**
   * The request's principal, or throws the authentication error to answer with. Synchronous when no
   * storage read is needed, so that the common case costs no promise; `await` it either way.
   */
  return function authenticate(request: FastifyRequest): Principal | Promise<Principal> {
    checkNoCredentialInQuery(request);
    const count = countHeader(request.raw, 'authorization');
    if (count > 1) throw authErrors.AUTH_HEADER_DUPLICATED('Send one Authorization header, not several.');
    const header = request.headers.authorization;
    if (count === 1 && header !== undefined) return fromAuthorization(request, header);
    const secret = request.cookies?.[cookies.session];
    if (secret) return fromCookie(request, secret);
    throw authErrors.AUTH_REQUIRED('Authentication required: send "Authorization: Token <token>" or log in.');
  };
}

export type Authenticate = ReturnType<typeof createAuthenticate>;
