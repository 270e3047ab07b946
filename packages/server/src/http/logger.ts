import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** Paths pino blanks in every log line: credentials, cookies and anything named like a secret. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.secret',
  '*.value',
  '*.databaseUrl',
  '*.redisUrl',
];

/** `/path?a=1&token=x` → `/path?a=[redacted]&token=[redacted]`: query values may carry secrets. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at === -1) return url;
  const keys = url
    .slice(at + 1)
    .split('&')
    .map((pair) => `${pair.split('=')[0]}=[redacted]`);
  return `${url.slice(0, at)}?${keys.join('&')}`;
}

/** Logs on stdout for a person at a terminal: one short line each, in colour, the time of day first. */
export function createPrettyLogger(level: string): Logger {
  return createLogger(
    level,
    pretty({
      colorize: true,
      singleLine: true,
      sync: true,
      translateTime: 'HH:MM:ss',
      ignore: 'pid,hostname,reqId',
    }),
  );
}

/** JSON logs; `destination` defaults to stdout. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method: string; url: string; id: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.ip,
        }),
      },
    },
    destination,
  );
}
