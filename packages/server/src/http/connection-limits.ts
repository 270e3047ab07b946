import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface ConnectionLimits {
  /** How long a connection may take to send a request's headers, its first request included. */
  headersTimeoutMs: number;
  /** How long a whole request (headers and body) may take to arrive. */
  requestTimeoutMs: number;
  /** How long a kept-alive connection may sit idle between requests. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; beyond it new ones are closed as they come. */
  maxConnections: number;
}

/** Fastify's options for the limits Node's HTTP server applies itself. */
export function connectionOptions(limits: ConnectionLimits) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // How often Node looks for requests past their headers or request timeout (30 s by default).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    },
  };
}

const firstRequestTimer = Symbol('weft.firstRequestTimer');
type TimedSocket = Socket & { [firstRequestTimer]?: NodeJS.Timeout };

/**
 * What Node's HTTP server leaves open: a cap on connections (`maxConnections`: over it a new
 * connection is closed at once, rather than the process running out of file descriptors), and a
 * connection that never sends a byte. Node's headers timeout starts with a request's first byte, so
 * 20,000 silent sockets stayed open for ever; here a connection whose first request has not come
 * within the headers timeout is closed. Slow headers and bodies (one byte every 10 s) end at Node's
 * headers and request timeouts; an idle kept-alive connection at the keep-alive timeout.
 */
export function registerConnectionLimits(app: FastifyInstance, limits: ConnectionLimits) {
  const server = app.server;
  server.maxConnections = limits.maxConnections;
  server.on('connection', (socket: TimedSocket) => {
    const timer = setTimeout(() => socket.destroy(), limits.headersTimeoutMs);
    timer.unref();
    socket[firstRequestTimer] = timer;
    socket.once('close', () => clearTimeout(timer));
  });
}

/**
 * Called for every request (from the app's one onRequest hook: a second 'request' listener would
 * make Node copy its listener list on every request): the connection has sent one.
 */
export function requestArrived(request: IncomingMessage) {
  const socket = request.socket as TimedSocket | null;
  const timer = socket?.[firstRequestTimer];
  if (timer) {
    clearTimeout(timer);
    socket![firstRequestTimer] = undefined;
  }
}
