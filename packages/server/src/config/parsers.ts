/**
 * Parsers for option values read from the environment or from flags. Each takes the raw string and
 * returns the typed value or throws `InvalidValue` with what a valid value looks like.
 */
export class InvalidValue extends Error {}

export function parseInteger(min: number, max: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw)) throw new InvalidValue(`must be a whole number from ${min} to ${max}`);
    const value = Number(raw);
    if (value < min || value > max) throw new InvalidValue(`must be a whole number from ${min} to ${max}`);
    return value;
  };
}

export function parseString(raw: string): string {
  return raw;
}

export function parseOneOf<const T extends readonly string[]>(values: T) {
  return (raw: string): T[number] => {
    if (!values.includes(raw)) throw new InvalidValue(`must be one of ${values.join(', ')}`);
    return raw as T[number];
  };
}

export function parseHttpUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue('must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidValue('must be an absolute http:// or https:// URL');
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** An http(s) origin with no path, query or fragment: an OAuth issuer. */
export function parseOrigin(raw: string): string {
  const url = parseHttpUrl(raw);
  if (new URL(url).origin !== url)
    throw new InvalidValue('must be an origin such as https://auth.example.com, with no path');
  return url;
}

/** A secret key: long enough to be one. */
export function parseSecretKey(raw: string): string {
  if (raw.length < 32)
    throw new InvalidValue('must be at least 32 characters (for example `openssl rand -base64 32`)');
  return raw;
}

export function parseDatabaseUrl(raw: string): string {
  if (!/^postgres(ql)?:\/\//.test(raw) || !URL.canParse(raw)) {
    throw new InvalidValue('must be a postgres:// URL (leave it unset for SQLite in WEFT_DATA_DIR)');
  }
  return raw;
}

export function parseRedisUrl(raw: string): string {
  if (!/^rediss?:\/\//.test(raw) || !URL.canParse(raw))
    throw new InvalidValue('must be a redis:// or rediss:// URL');
  return raw;
}

export function parseHostname(raw: string): string {
  const value = raw.toLowerCase().replace(/\.$/, '');
  const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
  if (value.length > 253 || !value.split('.').every((part) => label.test(part))) {
    throw new InvalidValue('must be a host name such as weft.example.com, without scheme or port');
  }
  return value;
}

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function parseSlug(raw: string): string {
  if (!SLUG_PATTERN.test(raw)) {
    throw new InvalidValue('must be 1-63 lowercase letters, digits and inner hyphens (a DNS label)');
  }
  return raw;
}

export function parseBoolean(raw: string): boolean {
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new InvalidValue('must be true or false');
}
