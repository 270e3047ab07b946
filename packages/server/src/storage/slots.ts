/**
 * A counting semaphore whose waiters are served first come, first served and give up after a wait
 * limit with DatabaseBusyError: SQLite's write lock (one slot), its snapshot readers, and each
 * workspace's share of PostgreSQL's connections. A free slot is taken without waiting.
 */
import { DatabaseBusyError } from './sql-driver.ts';

export interface Slots {
  /** Takes a slot, waiting at most the wait limit for one. */
  acquire(): Promise<void>;
  /** Gives back a slot taken with `acquire`. */
  release(): void;
  /** Slots taken now. */
  readonly taken: number;
}

interface Waiter {
  resolve(): void;
  timer: NodeJS.Timeout;
}

const granted = Promise.resolve();

/** `count` slots; `what` names them in the busy error ("the write lock"). */
export function createSlots(count: number, waitLimitMs: number, what: string): Slots {
  let taken = 0;
  const waiters: Waiter[] = [];
  return {
    acquire() {
      if (taken < count && waiters.length === 0) {
        taken++;
        return granted;
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          timer: setTimeout(() => {
            waiters.splice(waiters.indexOf(waiter), 1);
            reject(
              new DatabaseBusyError(`The database is busy: waited more than ${waitLimitMs} ms for ${what}.`),
            );
          }, waitLimitMs),
        };
        waiters.push(waiter);
      });
    },
    release() {
      const waiter = waiters.shift();
      if (!waiter) {
        taken--;
        return;
      }
      // The slot passes straight to the first waiter.
      clearTimeout(waiter.timer);
      waiter.resolve();
    },
    get taken() {
      return taken;
    },
  };
}
