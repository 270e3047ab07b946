/**
 * The API token format: `weft_` + 30 random base62 characters (~178 bits) + the CRC32 of those 30,
 * in 6 base62 characters. The prefix lets secret scanners spot a leaked token; the checksum lets them
 * (and us, before any storage lookup) reject a look-alike offline. The checksum is not a security
 * control: anyone can compute it.
 */
import { crc32 } from 'node:zlib';
import { randomBase62 } from '../../security/index.ts';

export const TOKEN_PREFIX = 'weft_';
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TOKEN_PATTERN = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

function checksum(random: string): string {
  let value = crc32(random);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function mintToken(): string {
  const random = randomBase62(RANDOM_LENGTH);
  return `${TOKEN_PREFIX}${random}${checksum(random)}`;
}

/** Whether `value` has the token's shape and a matching checksum. */
export function isWellFormedToken(value: string): boolean {
  if (!TOKEN_PATTERN.test(value)) return false;
  const body = value.slice(TOKEN_PREFIX.length);
  return checksum(body.slice(0, RANDOM_LENGTH)) === body.slice(RANDOM_LENGTH);
}

/** What lists show of a token: its prefix and first and last four characters. */
export function displayToken(token: string): string {
  const body = token.slice(TOKEN_PREFIX.length);
  return `${TOKEN_PREFIX}${body.slice(0, 4)}…${body.slice(-4)}`;
}
