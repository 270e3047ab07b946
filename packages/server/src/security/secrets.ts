import { hash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret, hex: what is stored in place of tokens and session ids. */
export function sha256Hex(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Compares two secrets in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
