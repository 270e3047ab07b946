import { configSchema } from '../config/index.ts';
import { createLogger, createPrettyLogger } from '../http/index.ts';
import type { CliCommand } from './command.ts';

const flags = Object.fromEntries(
  Object.values(configSchema).map((spec) => [spec.flag, { type: 'string' as const }]),
);

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the server until SIGTERM or SIGINT (every option is also an environment variable).',
  usage: Object.values(configSchema)
    .map((spec) => `[--${spec.flag} V]`)
    .join(' '),
  options: flags,
  serverFlags: true,
  async run({ config, io }) {
    // Loaded here, so that the other commands never load the server.
    const { serve } = await import('../main.ts');
    // On a terminal, one readable line per request; JSON for everything else (files, collectors).
    const isTerminal = (io.stdout as { isTTY?: boolean }).isTTY === true;
    const format = config.logFormat === 'auto' ? (isTerminal ? 'pretty' : 'json') : config.logFormat;
    const logger = format === 'pretty' ? createPrettyLogger(config.logLevel) : createLogger(config.logLevel);
    config.logFormat = format;
    return serve({ config, logger, stdout: io.stdout, signals: io.signals });
  },
};
