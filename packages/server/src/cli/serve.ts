import { configSchema } from '../config/index.ts';
import { createLogger } from '../http/logger.ts';
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
    const logger = createLogger(config.logLevel);
    return serve({ config, logger, stdout: io.stdout, signals: io.signals });
  },
};
