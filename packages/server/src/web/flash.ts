/**
 * A value shown once after a redirect (POST, then 303, then GET): the new API token. It travels in a
 * short-lived HttpOnly cookie, encrypted (AES-256-GCM) under a key derived from the browser's own
 * session secret, which the server never stores: the database holds nothing of it, another browser
 * cannot read it, and the GET that shows it clears it, so a reload shows it no more.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const keyOf = (sessionSecret: string) => Buffer.from(hkdfSync('sha256', sessionSecret, 'weft', 'flash', 32));

export function sealFlash(value: string, sessionSecret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(sessionSecret), iv);
  const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64url')).join('.');
}

/** The value, or null for a cookie that is missing, tampered with, or another session's. */
export function openFlash(cookie: string | undefined, sessionSecret: string): string | null {
  if (!cookie) return null;
  const parts = cookie.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (parts.length !== 3) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(sessionSecret), parts[0]!);
    decipher.setAuthTag(parts[1]!);
    return Buffer.concat([decipher.update(parts[2]!), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
