/**
 * Text sealed with AES-256-GCM under a key derived (HKDF-SHA256) from a secret and a purpose, as
 * `iv.tag.ciphertext` in base64url: a copy without the secret can neither be read nor changed
 * unnoticed. node:crypto does the cryptography; this only fixes the format.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const keyOf = (secret: string, purpose: string) =>
  Buffer.from(hkdfSync('sha256', secret, 'weft', purpose, 32));

export function sealText(text: string, secret: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret, purpose), iv);
  const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
}

/** The text, or null when it was sealed under another secret or purpose, or tampered with. */
export function openText(sealed: string, secret: string, purpose: string): string | null {
  const parts = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (parts.length !== 3) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret, purpose), parts[0]!);
    decipher.setAuthTag(parts[1]!);
    return Buffer.concat([decipher.update(parts[2]!), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
