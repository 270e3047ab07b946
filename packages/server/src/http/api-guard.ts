import type { FastifyReply, FastifyRequest } from 'fastify';

type Hook = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void;

/** The `onRequest` hooks of every API route, in order: workspace, authentication, a JSON body, rate limits. */
export type ApiGuard = Hook[];
