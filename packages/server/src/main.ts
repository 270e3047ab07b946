import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import { createAccountsService } from './auth/accounts/index.ts';
import { formatBanner, runFirstStart } from './bootstrap/first-start.ts';
import type { Config } from './config/index.ts';
import { openStorage } from './storage/index.ts';

export interface ServeOptions {
  config: Config;
  logger: Logger;
  /** Where the start banner goes (never the logger: it may hold the first password). */
  stdout: { write(text: string): unknown };
  /** Emits SIGTERM and SIGINT; the process in production. */
  signals: NodeJS.EventEmitter;
  /** Adds routes or plugins before the server listens. */
  configureApp?: (app: FastifyInstance) => void | Promise<void>;
}

/**
 * Runs the server until SIGTERM or SIGINT: opens storage (applying migrations), completes a first
 * start, listens, and prints the banner. On a signal it stops accepting connections, lets in-flight
 * requests finish, closes storage and resolves 0; 1 if that takes longer than the shutdown timeout.
 */
export async function serve({
  config,
  logger,
  stdout,
  signals,
  configureApp,
}: ServeOptions): Promise<number> {
  const { storage, applied } = await openStorage(config);
  if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
  const accounts = createAccountsService({ storage, clock: Date });
  const firstStart = await runFirstStart({ accounts, storage, defaultWorkspace: config.defaultWorkspace });

  const app = await createApp({ config, storage, logger });
  await configureApp?.(app);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    await storage.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  stdout.write(
    formatBanner(
      config.port === 0 ? config.publicUrl.replace(/:0$/, `:${port}`) : config.publicUrl,
      firstStart,
    ),
  );

  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      signals.off('SIGTERM', shutdown);
      signals.off('SIGINT', shutdown);
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      const timer = setTimeout(() => {
        logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; exiting anyway');
        resolve(1);
      }, config.shutdownTimeoutMs);
      app
        .close()
        .then(() => storage.close())
        .then(
          () => {
            clearTimeout(timer);
            logger.info('stopped');
            resolve(0);
          },
          (error: unknown) => {
            clearTimeout(timer);
            logger.error({ err: error }, 'shutdown failed');
            resolve(1);
          },
        );
    };
    signals.on('SIGTERM', shutdown);
    signals.on('SIGINT', shutdown);
  });
}
