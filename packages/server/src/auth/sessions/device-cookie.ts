/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser that has
 * logged in to an account gets a cookie saying so, and logins from it are throttled on their own,
 * so that guesses from anywhere else never lock the owner out of their own browser.
 *
 * The cookie is `issuedAt.nonce.mac`, the MAC an HMAC-SHA256 of the account id, the time and the
 * nonce, keyed with the account's password hash: a secret only the server holds, so no table of
 * devices is needed, and a new password ends the trust of every device at once. One cookie per
 * account (its name carries a digest of the account id), valid for a year.
 */
import { createHmac, hash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../security/index.ts';

export const DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

export interface DeviceAccount {
  id: string;
  passwordHash: string | null;
}

/** The cookie of `accountId`'s device, with the `__Host-` prefix on https. */
export function deviceCookieName(accountId: string, prefix: string): string {
  return `${prefix}weft_device_${hash('sha256', accountId, 'hex').slice(0, 12)}`;
}

const mac = (account: DeviceAccount & { passwordHash: string }, issuedAt: string, nonce: string) =>
  createHmac('sha256', account.passwordHash).update(`${account.id}.${issuedAt}.${nonce}`).digest('base64url');

/** A new device cookie value for `account` (which must have a password). */
export function issueDeviceCookie(account: DeviceAccount, now: number): string | null {
  if (!account.passwordHash) return null;
  const issuedAt = String(now);
  const nonce = randomBytes(12).toString('base64url');
  return `${issuedAt}.${nonce}.${mac({ ...account, passwordHash: account.passwordHash }, issuedAt, nonce)}`;
}

/** The device's id (its nonce) when `value` is a live device cookie of `account`, else null. */
export function verifyDeviceCookie(
  value: string | undefined,
  account: DeviceAccount,
  now: number,
): string | null {
  if (!value || !account.passwordHash || value.length > 200) return null;
  const [issuedAt, nonce, given, ...rest] = value.split('.');
  if (!issuedAt || !nonce || !given || rest.length > 0 || !/^\d{1,15}$/.test(issuedAt)) return null;
  if (now - Number(issuedAt) > DEVICE_COOKIE_MAX_AGE_S * 1000) return null;
  const expected = mac({ ...account, passwordHash: account.passwordHash }, issuedAt, nonce);
  return constantTimeEqual(given, expected) ? nonce : null;
}
