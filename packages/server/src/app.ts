import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { type Auth, createAuth, oauthRoutes, tokenRoutes } from './auth/index.ts';
import type { Clock, MonotonicClock } from './clock.ts';
import { commandLimits, commandRoutes } from './commands/index.ts';
import { type Config, ConfigError, configRules } from './config/index.ts';
import {
  connectionOptions,
  countHeader,
  generateRequestId,
  handleClientError,
  healthRoutes,
  httpErrors,
  metricsRoutes,
  notImplementedRoutes,
  redactUrl,
  registerConnectionLimits,
  registerErrorHandling,
  registerGracefulClose,
  registerJsonBodies,
  registerOpenApi,
  registerSecurityHeaders,
  requestArrived,
  requestLogger,
  requireJsonBody,
} from './http/index.ts';
import {
  type ApiGuard,
  createRateLimiter,
  createRateLimitHook,
  createRateLimitMetrics,
  type RateLimiter,
  rateLimitOptionsOf,
} from './ratelimit/index.ts';
import type { Storage } from './storage/index.ts';
import { VERSION } from './version.ts';
import { assetRoutes, authorizedAppsPages, homeRoutes, loginRoutes, tokenPages } from './web/index.ts';
import { createResolveWorkspace, type ResolveWorkspace } from './workspaces/index.ts';

/** Request logs for a person at a terminal: nothing on arrival, one line on completion. */
class OneLinePerRequest extends LogController {
  override incomingRequest() {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    const line = `${request.method} ${redactUrl(request.url)} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`;
    if (error) request.log.error({ err: error }, line);
    else request.log.info(line);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The hooks a plugin needs to add workspace routes that require authentication. */
    weft: {
      auth: Auth;
      resolveWorkspace: ResolveWorkspace;
      /** What every API route runs on request: workspace, authentication, rate limits. */
      apiGuard: ApiGuard;
      rateLimiter: RateLimiter;
    };
  }
}

export interface AppDependencies {
  config: Config;
  storage: Storage;
  logger: Logger;
  clock?: Clock;
  /** A monotonic clock in ms, for the in-process rate limiter and commands' time limit (tests move it by hand). */
  monotonicClock?: MonotonicClock;
}

/** Builds the server: wiring only. The caller owns the storage and closes it after the app. */
export async function createApp({
  config,
  storage,
  logger,
  clock = Date,
  monotonicClock,
}: AppDependencies): Promise<FastifyInstance> {
  const app = await createServer(config, logger);
  const auth = createAuth({
    config,
    storage,
    clock,
    onThrottleFallback: (error) =>
      app.log.warn({ err: error }, 'Redis does not answer: login attempts are counted in this process'),
    // The cause a client is not shown ("client mismatch", "refresh token already used"); never a token.
    onOAuthError: (error, event) =>
      app.log.info(
        { oauth: { event, error: error.message, detail: error.error_detail } },
        'OAuth request refused',
      ),
  });
  app.addHook('onClose', () => auth.close());
  const resolveWorkspace = createResolveWorkspace({ accounts: auth.accounts, config });
  const rateLimitOptions = rateLimitOptionsOf(config);
  const metrics = createRateLimitMetrics();
  const rateLimiter = createRateLimiter({
    options: rateLimitOptions,
    log: app.log,
    metrics,
    ...(monotonicClock ? { now: monotonicClock } : {}),
  });
  app.addHook('onClose', () => rateLimiter.close());
  await rateLimiter.ready();
  const rateLimit = createRateLimitHook({
    limiter: rateLimiter,
    options: rateLimitOptions,
    metrics,
    log: app.log,
  });
  const apiGuard: ApiGuard = [resolveWorkspace, auth.requireAuth, requireJsonBody, rateLimit];
  app.decorate('weft', { auth, resolveWorkspace, apiGuard, rateLimiter });
  // Declared up front so that setting them keeps one shape for every Request object (Fastify's
  // advice: properties added later deoptimise the request path).
  app.decorateRequest('workspace', null as unknown as FastifyRequest['workspace']);
  app.decorateRequest('principal', null as unknown as FastifyRequest['principal']);

  await registerRoutes(app, {
    auth,
    apiGuard,
    storage,
    config,
    clock,
    resolveWorkspace,
    rateLimiter,
    metrics,
    monotonicClock,
  });
  return app;
}

/** The Fastify instance with what every request passes through: limits, errors, headers, bodies. */
async function createServer(config: Config, logger: Logger): Promise<FastifyInstance> {
  // The loader checks these rules for the process; a config built in code is checked here.
  const problems = configRules.map((rule) => rule(config)).filter((problem) => problem !== null);
  if (problems.length > 0) throw new ConfigError(problems);
  const limits = {
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    maxConnections: config.maxConnections,
  };
  const app = Fastify({
    ...connectionOptions(limits),
    loggerInstance: logger,
    bodyLimit: config.bodyLimit,
    genReqId: generateRequestId,
    // One readable line per request in the pretty format; Fastify's two JSON lines otherwise.
    ...(config.logFormat === 'pretty' ? { logController: new OneLinePerRequest() } : {}),
    childLoggerFactory: requestLogger,
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    clientErrorHandler: handleClientError,
    // A JSON body must have the types its schema says: `{"description": 5}` is refused, not turned into "5".
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allowUnionTypes: true } },
  }) as unknown as FastifyInstance;

  // Hooks on every request are callback-style: an async hook costs a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    requestArrived(request.raw);
    reply.header('x-request-id', request.id);
    // RFC 9112 §3.2: a request with more than one Host is answered 400 (Node keeps the first).
    if (countHeader(request.raw, 'host') > 1)
      return done(httpErrors.HOST_HEADER_DUPLICATED('Send one Host header, not several.'));
    done();
  });
  registerConnectionLimits(app, limits);
  registerErrorHandling(app);
  registerGracefulClose(app);
  registerSecurityHeaders(app);
  await registerOpenApi(app, { version: VERSION });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: config.bodyLimit });
  registerJsonBodies(app);

  return app;
}

interface RouteDependencies {
  auth: Auth;
  apiGuard: ApiGuard;
  storage: Storage;
  config: Config;
  clock: Clock;
  resolveWorkspace: ReturnType<typeof createResolveWorkspace>;
  rateLimiter: ReturnType<typeof createRateLimiter>;
  metrics: ReturnType<typeof createRateLimitMetrics>;
  monotonicClock: MonotonicClock | undefined;
}

/** Every route: health, the API, the pages and OAuth. */
async function registerRoutes(app: FastifyInstance, deps: RouteDependencies) {
  const { auth, apiGuard, storage, config, resolveWorkspace, rateLimiter } = deps;
  await app.register(healthRoutes({ storage, rateLimiter }));
  await app.register(notImplementedRoutes());
  await app.register(metricsRoutes({ registry: deps.metrics.registry, token: config.metricsToken }));
  await app.register(assetRoutes());
  await app.register(tokenRoutes({ auth, guard: apiGuard }));
  await app.register(
    commandRoutes({
      guard: apiGuard,
      storage,
      clock: deps.clock,
      limits: commandLimits(config),
      ...(deps.monotonicClock ? { now: deps.monotonicClock } : {}),
    }),
  );
  await app.register(loginRoutes({ auth, resolveWorkspace }));
  await app.register(homeRoutes({ auth, resolveWorkspace, storage, config }));
  await app.register(tokenPages({ auth, resolveWorkspace }));
  await app.register(authorizedAppsPages({ auth, resolveWorkspace }));
  await app.register(oauthRoutes({ auth, oauth: auth.oauth }));
}
