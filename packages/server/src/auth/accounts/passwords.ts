import { hash, verify } from '@node-rs/argon2';
import { randomBase62 } from '../../security/index.ts';

// argon2id with OWASP's minimum profile: 19 MiB, 2 passes, 1 lane (the library's default algorithm).
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Whether `password` matches `passwordHash`. With no hash (unknown account, or none set) it still
 * verifies against a dummy hash, so the answer takes as long as a wrong password does.
 */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hashPassword(randomBase62(20));
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

/** A password to show once: 20 base62 characters, about 119 bits. */
export function generatePassword(): string {
  return randomBase62(20);
}
