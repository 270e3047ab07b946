import { writeFileSync } from 'node:fs';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import { createAuth } from './auth/index.ts';
import { createSampleSpace, type FirstStart, formatBanner, runFirstStart } from './bootstrap/index.ts';
import { commandLimits } from './commands/index.ts';
import type { Config } from './config/index.ts';
import { openStorage, type Storage } from './storage/index.ts';

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

/** A start-up failure a person can act on: printed as one line, without a stack. */
export class ServeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServeError';
  }
}

/** Writes the first start's credentials to `path`, readable only by its owner; never overwrites. */
function writeCredentials(path: string, url: string, firstStart: FirstStart) {
  const text = [
    `# Weft, first start on ${new Date().toISOString()}`,
    `WEFT_URL=${url}`,
    `WEFT_WORKSPACE=${firstStart.workspace}`,
    `WEFT_EMAIL=${firstStart.email}`,
    `WEFT_PASSWORD=${firstStart.password}`,
    `WEFT_TOKEN=${firstStart.token}`,
    '',
  ].join('\n');
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
}

/** Resolves with the first of SIGTERM/SIGINT; listening starts at once, so no signal is missed. */
function waitForStopSignal(signals: NodeJS.EventEmitter) {
  let stop!: (signal: string) => void;
  const received = new Promise<string>((resolve) => {
    stop = resolve;
  });
  const onTerm = () => stop('SIGTERM');
  const onInt = () => stop('SIGINT');
  signals.on('SIGTERM', onTerm);
  signals.on('SIGINT', onInt);
  return {
    received,
    dispose() {
      signals.off('SIGTERM', onTerm);
      signals.off('SIGINT', onInt);
    },
  };
}

/**
 * Runs the server until SIGTERM or SIGINT: opens storage (applying migrations), completes a first
 * start, listens, and prints the banner. On a signal it stops accepting connections, lets in-flight
 * requests finish, closes storage and resolves 0; 1 if that takes longer than the shutdown timeout.
 * A signal that arrives during start-up stops the server as soon as it is up.
 */
export async function serve({
  config,
  logger,
  stdout,
  signals,
  configureApp,
}: ServeOptions): Promise<number> {
  const stopSignal = waitForStopSignal(signals);
  try {
    const { storage, applied } = await openStorage(config);
    if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
    const firstStart = await firstStartOf(config, storage, logger);

    const app = await createApp({ config, storage, logger }).catch(async (error: unknown) => {
      await storage.close();
      throw error;
    });
    await configureApp?.(app);
    // The OAuth keys are made (or read) now, so every instance uses the same ones from its first
    // request; keys it cannot read stop OAuth only, not the API.
    await app.weft.auth.oauth.keys().catch((error: Error) => {
      logger.error({ err: error }, `OAuth is unavailable: ${error.message}`);
    });
    await listen(app, config, storage);
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.port === 0 ? config.publicUrl.replace(/:0$/, `:${port}`) : config.publicUrl;
    stdout.write(formatBanner(url, firstStart));
    if (firstStart && config.credentialsFile) {
      try {
        writeCredentials(config.credentialsFile, url, firstStart);
        stdout.write(`The credentials are also in ${config.credentialsFile} (readable only by you).\n`);
      } catch (error) {
        logger.warn({ err: error }, `the credentials were not written to ${config.credentialsFile}`);
      }
    }

    const signal = await stopSignal.received;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    return await closeWithin(config.shutdownTimeoutMs, async () => {
      await app.close();
      await storage.close();
    }).then(
      (finished) => {
        if (finished) logger.info('stopped');
        else logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; exiting anyway');
        return finished ? 0 : 1;
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        return 1;
      },
    );
  } finally {
    stopSignal.dispose();
  }
}

/** Resolves true when `work` finishes within `timeoutMs`, false when it does not. */
async function closeWithin(timeoutMs: number, work: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work().then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The first start's workspace, administrator and sample space, if this is the first start. */
function firstStartOf(config: Config, storage: Storage, logger: FastifyBaseLogger) {
  const { accounts, tokens } = createAuth({ config, storage, clock: Date });
  return runFirstStart({
    accounts,
    tokens,
    storage,
    defaultWorkspace: config.defaultWorkspace,
    populate: (workspace, admin) =>
      createSampleSpace({
        principal: {
          workspace,
          user: admin,
          role: admin.role,
          credential: { kind: 'token', id: 'first-start' },
        },
        db: storage,
        limits: commandLimits(config),
        clock: Date,
        log: { log: logger, requestId: 'first-start' },
      }),
  });
}

/** Listens on the configured port; a port in use is a ServeError that says what to do. */
async function listen(app: Awaited<ReturnType<typeof createApp>>, config: Config, storage: Storage) {
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    await storage.close();
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      throw new ServeError(
        `Port ${config.port} on ${config.host} is in use (another Weft, or another program, listens there). Start on another port: --port N or PORT=N.`,
      );
    }
    throw error;
  }
}
