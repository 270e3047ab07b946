/**
 * What is generated from code: docs/configuration.md (from the config schema) and docs/errors.md
 * (from the error catalogues). `npm run docs` writes them; a test fails when they are out of date.
 */
import { readFileSync } from 'node:fs';
import { COMMAND_ERRORS } from '../packages/server/src/commands/index.ts';
import { configSchema } from '../packages/server/src/config/index.ts';
import { errorCatalogues } from '../packages/server/src/errors/catalogues.ts';
import { listErrorFactories } from '../packages/server/src/errors/index.ts';

export const CONFIG_DOC = new URL('../docs/configuration.md', import.meta.url);
export const ERRORS_DOC = new URL('../docs/errors.md', import.meta.url);

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function formatConfigTable(): string {
  const rows = Object.values(configSchema).map((spec) => {
    const fallback = spec.defaultDoc ?? (typeof spec.default === 'function' ? '' : spec.default);
    const shown = fallback === undefined ? 'unset' : `\`${fallback}\``;
    return `| \`${spec.env}\` | \`--${spec.flag}\` | ${shown} | ${cell(spec.doc)} |`;
  });
  return ['| Variable | `weft serve` flag | Default | Meaning |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}

/** docs/configuration.md: every option, its variable, flag, default and meaning. */
export function renderConfigDoc(): string {
  return `${[
    '# Configuration',
    '',
    'Generated from the config schema by `npm run docs`. Every option is an environment variable and a',
    '`weft serve` flag (flags win); an empty variable counts as unset. A bad value stops the server with',
    'one line naming the option and what a valid value looks like.',
    '',
    formatConfigTable(),
  ].join('\n')}\n`;
}

export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    'Generated from the error catalogues by `npm run docs`. Outside `/api/commands` every error is',
    '`{"error": {"code", "message", "request_id"}}` with the status below. Codes are stable: they are',
    'added, never renamed.',
  ];
  for (const catalogue of errorCatalogues) {
    lines.push('', `## ${catalogue.feature}`, '', '| Code | Status | Meaning |', '| --- | --- | --- |');
    for (const factory of listErrorFactories(catalogue)) {
      lines.push(`| \`${factory.code}\` | ${factory.status} | ${cell(factory.doc)} |`);
    }
  }
  lines.push(
    '',
    '## Command errors',
    '',
    'Inside `/api/commands` a failed command answers HTTP 200 with',
    '`{"success": false, "result": {"name", "message", "data"}}`, as Fibery does. The names:',
    '',
    '| Name | Meaning |',
    '| --- | --- |',
  );
  for (const [name, doc] of Object.entries(COMMAND_ERRORS)) lines.push(`| \`${name}\` | ${cell(doc)} |`);
  return `${lines.join('\n')}\n`;
}

export function readText(url: URL): string {
  return readFileSync(url, 'utf8');
}
