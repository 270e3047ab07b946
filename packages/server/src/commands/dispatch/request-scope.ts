import type { Socket } from 'node:net';
import { type MonotonicClock, monotonicNow } from '../../clock.ts';
import type { SqlScope } from '../../storage/index.ts';
import { commandError } from '../core/index.ts';

/** The client closed its connection before its commands were done: the rest are not run. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGoneError';
  }
}

/**
 * The storage scope of one `/api/commands` request: its workspace's key (statements take turns with
 * other workspaces'), and when its work must stop: once `timeLimitMs` have passed since it began
 * (command.error/time-limit) or once its client has gone. Checked before every statement, so a long
 * batch stops between two statements; on PostgreSQL a statement running then is cancelled.
 */
export function createRequestScope(
  workspaceId: string,
  socket: Socket | undefined,
  timeLimitMs: number,
  now: MonotonicClock = monotonicNow,
): SqlScope {
  const deadline = now() + timeLimitMs;
  return {
    key: workspaceId,
    check() {
      if (socket?.destroyed) throw new ClientGoneError();
      if (now() >= deadline)
        throw commandError(
          'command.error/time-limit',
          `The request's commands ran longer than ${timeLimitMs} ms (WEFT_COMMAND_TIME_LIMIT_MS) and were stopped; a batch was rolled back.`,
          { limit_ms: timeLimitMs },
        );
    },
    watch(stop) {
      const timer = setTimeout(stop, Math.max(0, deadline - now()));
      socket?.once('close', stop);
      return () => {
        clearTimeout(timer);
        socket?.off('close', stop);
      };
    },
  };
}
