/**
 * A value shown once after a redirect (POST, then 303, then GET): the new API token. It travels in a
 * short-lived HttpOnly cookie, sealed (security/sealed.ts) under the browser's own session secret,
 * which the server never stores: the database holds nothing of it, another browser cannot read it,
 * and the GET that shows it clears it, so a reload shows it no more.
 */
import { openText, sealText } from '../security/index.ts';

export const sealFlash = (value: string, sessionSecret: string) => sealText(value, sessionSecret, 'flash');

/** The value, or null for a cookie that is missing, tampered with, or another session's. */
export const openFlash = (cookie: string | undefined, sessionSecret: string) =>
  cookie ? openText(cookie, sessionSecret, 'flash') : null;
