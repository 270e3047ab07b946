/**
 * The authorization server's keys: RSA keys that sign ID tokens (published in the JWKS) and secrets
 * that sign its cookies. Made at first start and stored, so every instance and every restart uses the
 * same ones; `weft keys rotate` adds a newer signing key, which signs from then on while the older
 * ones stay published, so tokens signed before keep verifying until they expire.
 *
 * With `WEFT_SECRET_KEY` set, keys are stored encrypted (AES-256-GCM under a key derived from it by
 * HKDF), so a copy of the database alone cannot sign tokens. Hand-written: the format of a row is
 * ours, and node:crypto does the cryptography.
 */
import { generateKeyPairSync, type JsonWebKey, randomBytes, randomUUID } from 'node:crypto';
import { openText, sealText } from '../../security/index.ts';
import type { OAuthKey, Storage } from '../../storage/index.ts';
import { oauthErrors } from './errors.ts';

const ENCRYPTED = 'aes256gcm:';
const PURPOSE = 'oauth keys at rest';

function seal(text: string, secretKey: string | undefined): string {
  return secretKey ? `${ENCRYPTED}${sealText(text, secretKey, PURPOSE)}` : text;
}

function open(stored: string, secretKey: string | undefined): string {
  if (!stored.startsWith(ENCRYPTED)) return stored;
  if (!secretKey) {
    throw oauthErrors.OAUTH_KEYS_LOCKED(
      'The OAuth keys are stored encrypted: start the server with the WEFT_SECRET_KEY they were made with.',
    );
  }
  const text = openText(stored.slice(ENCRYPTED.length), secretKey, PURPOSE);
  if (text === null) {
    throw oauthErrors.OAUTH_KEYS_LOCKED('WEFT_SECRET_KEY is not the key the OAuth keys were stored with.');
  }
  return text;
}

function newSigningKey(now: number, secretKey: string | undefined): OAuthKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `${new Date(now).toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return { kid, use: 'sig', key: seal(JSON.stringify(jwk), secretKey), createdAt: now };
}

function newCookieKey(now: number, secretKey: string | undefined): OAuthKey {
  return {
    kid: `cookie-${randomUUID()}`,
    use: 'cookie',
    key: seal(randomBytes(32).toString('base64url'), secretKey),
    createdAt: now,
  };
}

export interface OAuthKeys {
  /** Private JWKs, the newest first: it signs. */
  signing: JsonWebKey[];
  /** Cookie signing secrets, the newest first. */
  cookie: string[];
  /** Changes when a key is added (by this process or another). */
  version: string;
}

/** The stored keys, made first if there are none. */
export async function loadKeys(
  storage: Storage,
  secretKey: string | undefined,
  now: number,
): Promise<OAuthKeys> {
  let stored = await storage.listOAuthKeys();
  const missing: OAuthKey[] = [];
  if (!stored.some((k) => k.use === 'sig')) missing.push(newSigningKey(now, secretKey));
  if (!stored.some((k) => k.use === 'cookie')) missing.push(newCookieKey(now, secretKey));
  if (missing.length > 0) {
    // Two instances starting together may both make keys: both sets are kept, the newest signs.
    for (const key of missing) await storage.addOAuthKey(key);
    stored = await storage.listOAuthKeys();
  }
  return {
    signing: stored
      .filter((k) => k.use === 'sig')
      .map((k) => JSON.parse(open(k.key, secretKey)) as JsonWebKey),
    cookie: stored.filter((k) => k.use === 'cookie').map((k) => open(k.key, secretKey)),
    version: keysVersion(stored),
  };
}

export const keysVersion = (stored: readonly OAuthKey[]) => stored.map((k) => k.kid).join(',');

/** Adds a new signing key, which signs from the next token on; resolves its kid. */
export async function rotateSigningKey(storage: Storage, secretKey: string | undefined, now: number) {
  const key = newSigningKey(now, secretKey);
  await storage.addOAuthKey(key);
  return key.kid;
}
