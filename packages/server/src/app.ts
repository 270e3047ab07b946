import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type Clock, createAccountsService } from './auth/accounts/index.ts';
import type { Config } from './config/index.ts';
import { registerErrorHandling } from './http/error-handler.ts';
import { registerGracefulClose } from './http/graceful-close.ts';
import { healthRoutes } from './http/health-routes.ts';
import { registerOpenApi } from './http/openapi.ts';
import { generateRequestId } from './http/request-id.ts';
import type { Storage } from './storage/index.ts';
import { VERSION } from './version.ts';
import { homeRoutes } from './web/home-routes.ts';
import { createResolveWorkspace } from './workspaces/index.ts';

export interface AppDependencies {
  config: Config;
  storage: Storage;
  logger: Logger;
  clock?: Clock;
}

/** Builds the server: wiring only. The caller owns the storage and closes it after the app. */
export async function createApp({
  config,
  storage,
  logger,
  clock = Date,
}: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.bodyLimit,
    genReqId: generateRequestId,
    requestIdHeader: false,
  }) as unknown as FastifyInstance;

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  registerGracefulClose(app);
  await registerOpenApi(app, { version: VERSION });

  const accounts = createAccountsService({ storage, clock });
  const resolveWorkspace = createResolveWorkspace({ accounts, config });

  await app.register(healthRoutes({ storage }));
  await app.register(homeRoutes({ resolveWorkspace }));
  return app;
}
