/** Workspaces by host name, bodies, logs and proxies. */

import { LOG_FORMATS, LOG_LEVELS, option } from './option.ts';
import { parseBoolean, parseHostname, parseInteger, parseOneOf, parseSlug, parseString } from './parsers.ts';

export const servingOptions = {
  baseDomain: option<string | undefined>({
    env: 'WEFT_BASE_DOMAIN',
    flag: 'base-domain',
    doc: 'Serve workspaces as subdomains: host `{slug}.{WEFT_BASE_DOMAIN}` selects workspace `slug` (`acme.localhost:3000`, which browsers and curl resolve to this machine).',
    parse: parseHostname,
    // The public URL's host name, unless it is an IP address (which has no subdomains).
    default: (earlier) => {
      if (!URL.canParse(String(earlier.publicUrl))) return undefined;
      const host = new URL(String(earlier.publicUrl)).hostname;
      return /^[\d.]+$|^\[/.test(host) ? undefined : host;
    },
    defaultDoc: 'the host name of WEFT_PUBLIC_URL (`localhost`)',
  }),
  defaultWorkspace: option({
    env: 'WEFT_DEFAULT_WORKSPACE',
    flag: 'default-workspace',
    doc: 'Workspace served on any host that is not a workspace subdomain; created on first start.',
    parse: parseSlug,
    default: 'demo',
  }),
  bodyLimit: option({
    env: 'WEFT_BODY_LIMIT',
    flag: 'body-limit',
    doc: 'Largest accepted request body, in bytes; larger bodies get 413.',
    parse: parseInteger(1024, 1024 * 1024 * 1024),
    default: 1024 * 1024,
  }),
  logFormat: option<(typeof LOG_FORMATS)[number]>({
    env: 'WEFT_LOG_FORMAT',
    flag: 'log-format',
    doc: '`json`: one JSON object per line; `pretty`: one readable line per request; `auto`: pretty on a terminal, JSON otherwise.',
    parse: parseOneOf(LOG_FORMATS),
    default: 'auto',
  }),
  credentialsFile: option<string | undefined>({
    env: 'WEFT_CREDENTIALS_FILE',
    flag: 'credentials-file',
    doc: "On the first start, also write the administrator's email, password and API token to this file, readable only by its owner.",
    parse: parseString,
    default: undefined,
  }),
  logLevel: option({
    env: 'WEFT_LOG_LEVEL',
    flag: 'log-level',
    doc: `Log level of the logs on stdout: ${LOG_LEVELS.join(', ')}.`,
    parse: parseOneOf(LOG_LEVELS),
    default: 'info',
  }),
  trustProxy: option({
    env: 'WEFT_TRUST_PROXY',
    flag: 'trust-proxy',
    doc: 'Take the client address from X-Forwarded-For (only behind a proxy that sets it); used by login throttling.',
    parse: parseBoolean,
    default: false,
  }),
};
