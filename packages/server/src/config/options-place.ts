/** Where the server listens, stores and is reached, and its secret key. */

import { option } from './option.ts';
import {
  parseDatabaseUrl,
  parseHttpUrl,
  parseInteger,
  parseOrigin,
  parseRedisUrl,
  parseSecretKey,
  parseString,
} from './parsers.ts';

export const placeOptions = {
  port: option({
    env: 'PORT',
    flag: 'port',
    doc: 'TCP port to listen on (0 picks a free one).',
    parse: parseInteger(0, 65535),
    default: 3000,
  }),
  host: option({
    env: 'HOST',
    flag: 'host',
    doc: 'Address to listen on; `0.0.0.0` or `::` to accept connections from other machines.',
    parse: parseString,
    default: '127.0.0.1',
  }),
  dataDir: option({
    env: 'WEFT_DATA_DIR',
    flag: 'data-dir',
    doc: 'Folder for the SQLite database (created if missing).',
    parse: parseString,
    default: './data',
  }),
  databaseUrl: option<string | undefined>({
    env: 'DATABASE_URL',
    flag: 'database-url',
    doc: 'A `postgres://` URL selects PostgreSQL; unset means SQLite in WEFT_DATA_DIR.',
    parse: parseDatabaseUrl,
    default: undefined,
    secret: true,
  }),
  redisUrl: option<string | undefined>({
    env: 'REDIS_URL',
    flag: 'redis-url',
    doc: 'A `redis://` URL for state shared between instances (rate limits); unset means in-process.',
    parse: parseRedisUrl,
    default: undefined,
    secret: true,
  }),
  publicUrl: option({
    env: 'WEFT_PUBLIC_URL',
    flag: 'public-url',
    doc: 'External base URL of the server, used in links and printed at start.',
    parse: parseHttpUrl,
    default: (earlier) => `http://localhost:${earlier.port}`,
    defaultDoc: 'http://localhost:PORT',
  }),
  issuer: option({
    env: 'WEFT_ISSUER',
    flag: 'issuer',
    doc: 'The OAuth 2.0 issuer: the origin that serves `/oauth2/*`, discovery and the keys; may be a host of its own.',
    parse: parseOrigin,
    // When WEFT_PUBLIC_URL itself is invalid, that is the error reported; this value is never used.
    default: (earlier) =>
      URL.canParse(String(earlier.publicUrl))
        ? new URL(String(earlier.publicUrl)).origin
        : 'http://localhost',
    defaultDoc: 'the origin of WEFT_PUBLIC_URL',
  }),
  secretKey: option<string | undefined>({
    env: 'WEFT_SECRET_KEY',
    flag: 'secret-key',
    doc: 'A secret of 32 characters or more: when set, the OAuth signing and cookie keys are stored encrypted with it.',
    parse: parseSecretKey,
    default: undefined,
    secret: true,
  }),
};
