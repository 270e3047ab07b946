import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { randomBase62, sha256Hex } from '../../security/index.ts';
import type { CredentialOwner, Session, Storage, Workspace } from '../../storage/index.ts';
import { normalizeEmail } from '../../storage/index.ts';
import { verifyPassword } from '../accounts/index.ts';
import { deviceCookieName, issueDeviceCookie, verifyDeviceCookie } from './device-cookie.ts';
import { sessionErrors } from './errors.ts';
import type { LoginThrottle } from './login-throttle.ts';

const SESSION_SECRET = /^[0-9A-Za-z]{43}$/;
/** `last_seen_at` is written at most this often, so a busy session costs no write per request. */
const LAST_SEEN_PRECISION_MS = 60_000;

export interface SessionTimeouts {
  /** Ends a session this long after its last request. */
  idleMs: number;
  /** Ends a session this long after login. */
  absoluteMs: number;
}

/**
 * Browser sessions: a random secret in an HttpOnly cookie, stored as SHA-256. A session ends at
 * logout, after the idle or absolute timeout, when its user is deactivated, or when the account's
 * password changes after it began (checked on every request, so nothing needs to be revoked).
 */
export function createSessionsService({
  storage,
  clock,
  timeouts,
  throttle,
  cookiePrefix = '',
  workspaceUrl = () => null,
}: {
  storage: Storage;
  clock: Clock;
  timeouts: SessionTimeouts;
  throttle: LoginThrottle;
  /** `__Host-` on https, like the other cookies. */
  cookiePrefix?: string;
  /** Where a workspace answers, to name it when an account logs in to the wrong one. */
  workspaceUrl?: (slug: string) => string | null;
}) {
  return {
    /**
     * Resolves with the new session, the secret for its cookie and the device cookie to set; the same
     * error for any wrong input. `cookies` are the request's: a device cookie of the account makes
     * the attempt a trusted device's (see login-throttle.ts).
     */
    /**
     * Checks an account's password, throttled as logins are; resolves with the account and the device
     * cookie to set, or throws LOGIN_THROTTLED or LOGIN_FAILED (the same for any wrong input). With a
     * workspace, the account must be an active member of it; without (the OAuth login), any account.
     */
    async checkPassword(
      workspace: Workspace | null,
      email: string,
      password: string,
      address: string,
      cookies: Record<string, string | undefined> = {},
    ) {
      const account = normalizeEmail(email);
      const user = account && workspace ? await storage.getWorkspaceUserByEmail(workspace.id, account) : null;
      const member = workspace ? Boolean(user?.active) : true;
      const stored = account ? await storage.getAccountByEmail(account) : null;
      const device = stored
        ? verifyDeviceCookie(cookies[deviceCookieName(stored.id, cookiePrefix)], stored, clock.now())
        : null;
      // Counted before the password is checked: parallel guesses cannot slip between count and check.
      const attempt = { account, address, device };
      const wait = await throttle.attempt(attempt);
      if (wait > 0) {
        throw sessionErrors.LOGIN_THROTTLED('Too many failed logins. Try again later.', {
          retry_after_s: Math.ceil(wait / 1000),
        });
      }
      // Always one argon2 verification, so an unknown email answers as slowly as a wrong password.
      const matches = await verifyPassword(stored?.passwordHash ?? null, password.slice(0, 1024));
      if (!stored || !matches) throw sessionErrors.LOGIN_FAILED('The email or the password is wrong.');
      if (!member && workspace) {
        // The password is right: say where this account can log in (it proved it is the account's).
        const places = (await storage.listAccountWorkspaces(stored.id)).map((w) => {
          const url = workspaceUrl(w.slug);
          return url ? `"${w.slug}" at ${url}` : `"${w.slug}"`;
        });
        throw sessionErrors.LOGIN_WRONG_WORKSPACE(
          places.length
            ? `${stored.email} is not an active member of workspace "${workspace.slug}". Log in to ${places.join(' or ')}.`
            : `${stored.email} is not an active member of any workspace.`,
        );
      }
      await throttle.succeeded(attempt);
      const deviceCookie = {
        name: deviceCookieName(stored.id, cookiePrefix),
        value: issueDeviceCookie(stored, clock.now()),
      };
      return { account: stored, user, deviceCookie };
    },

    /**
     * Resolves with the new session, the secret for its cookie and the device cookie to set; the same
     * error for any wrong input. `cookies` are the request's: a device cookie of the account makes
     * the attempt a trusted device's (see login-throttle.ts).
     */
    async logIn(
      workspace: Workspace,
      email: string,
      password: string,
      address: string,
      cookies: Record<string, string | undefined> = {},
    ) {
      const { user, deviceCookie } = await this.checkPassword(workspace, email, password, address, cookies);
      if (!user) throw sessionErrors.LOGIN_FAILED('The email or the password is wrong.');
      const now = clock.now();
      await storage.deleteExpiredSessions(now, now - timeouts.idleMs);
      const secret = randomBase62(43);
      const session = await storage.createSession({
        id: randomUUID(),
        secretHash: sha256Hex(secret),
        workspaceUserId: user.id,
        csrfToken: randomBase62(32),
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + timeouts.absoluteMs,
      });
      return { session, secret, deviceCookie };
    },

    /** The live session for a cookie value and its owner, or null. */
    async verifySession(secret: string): Promise<{ session: Session; owner: CredentialOwner } | null> {
      if (!SESSION_SECRET.test(secret)) return null;
      const found = await storage.findSessionBySecretHash(sha256Hex(secret));
      if (!found) return null;
      const now = clock.now();
      const { session, owner } = found;
      const expired = now >= session.expiresAt || now - session.lastSeenAt >= timeouts.idleMs;
      const passwordChanged = owner.passwordChangedAt !== null && owner.passwordChangedAt > session.createdAt;
      if (expired || passwordChanged || !owner.user.active) {
        await storage.deleteSession(session.id);
        return null;
      }
      if (now - session.lastSeenAt >= LAST_SEEN_PRECISION_MS) {
        session.lastSeenAt = now;
        storage.touchSession(session.id, now).catch(() => {});
      }
      return found;
    },

    logOut: (session: Session) => storage.deleteSession(session.id),
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
