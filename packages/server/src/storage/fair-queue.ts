import { type MonotonicClock, monotonicNow } from '../clock.ts';
/**
 * The order in which SQLite statements run. better-sqlite3 runs a statement synchronously on the
 * event loop, so without an order of its own whichever request awaits in the tightest loop runs
 * everything: a batch of 1,000 text searches ran to its end before any other request got a
 * statement in. Here each key (a workspace) has a queue of its own and the keys take turns, one
 * statement each (round robin), so one key's long run delays another's by one statement per turn.
 *
 * The queue also yields: once statements (and the code between them) have held the event loop for
 * `sliceMs`, the next ones wait for the event loop's next turn (`setImmediate`), so requests that
 * arrived meanwhile are read and join the turns. A statement that waited longer than `waitLimitMs`
 * is refused with DatabaseBusyError instead of adding to a backlog.
 *
 * Hand-written: queue libraries (p-queue and the like) order promises by priority or concurrency,
 * not by key in turns, and know nothing of the event loop.
 */
import { DatabaseBusyError, type SqlScope } from './sql-driver.ts';

interface Task {
  run(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  enqueuedAt: number;
  scope: SqlScope | undefined;
}

export interface FairQueueOptions {
  /** How long statements may hold the event loop before the queue yields. */
  sliceMs?: number;
  /** How long a statement may wait for its turn before it is refused. */
  waitLimitMs: number;
  now?: MonotonicClock;
}

export interface FairQueue {
  /** Runs `run` in its key's turn; rejects with the scope's error when its work must stop. */
  push<T>(key: string, run: () => T, scope?: SqlScope): Promise<T>;
  /** Tasks waiting, for tests. */
  readonly size: number;
}

export function createFairQueue({
  sliceMs = 4,
  waitLimitMs,
  now = monotonicNow,
}: FairQueueOptions): FairQueue {
  const queues = new Map<string, Task[]>();
  /** Keys with waiting tasks, in turn order. */
  const turns: string[] = [];
  let size = 0;
  let pumpScheduled = false;
  /** When the current turn of the event loop started running statements; null once it has yielded. */
  let sliceStart: number | null = null;
  const endSlice = () => {
    sliceStart = null;
  };

  function schedule() {
    if (pumpScheduled) return;
    pumpScheduled = true;
    if (sliceStart !== null && now() - sliceStart >= sliceMs) setImmediate(pump);
    else queueMicrotask(pump);
  }

  function next(): Task | undefined {
    const key = turns.shift();
    if (key === undefined) return undefined;
    const queue = queues.get(key)!;
    const task = queue.shift()!;
    if (queue.length > 0) turns.push(key);
    else queues.delete(key);
    size--;
    return task;
  }

  function runTask(task: Task, at: number) {
    try {
      if (at - task.enqueuedAt > waitLimitMs)
        throw new DatabaseBusyError(
          `The database is busy: a statement waited more than ${waitLimitMs} ms for its turn.`,
        );
      task.scope?.check();
      task.resolve(task.run());
    } catch (error) {
      task.reject(error);
    }
  }

  function pump() {
    pumpScheduled = false;
    if (sliceStart === null) {
      sliceStart = now();
      setImmediate(endSlice);
    }
    for (;;) {
      const at = now();
      if (at - sliceStart >= sliceMs) {
        // Yield: the statements left run on the event loop's next turn, after the I/O waiting now.
        if (size > 0) {
          pumpScheduled = true;
          setImmediate(pump);
        }
        return;
      }
      const task = next();
      if (!task) return;
      runTask(task, at);
    }
  }

  return {
    push<T>(key: string, run: () => T, scope?: SqlScope): Promise<T> {
      // Nothing waiting and the event loop not held too long: no turn to wait for, so it runs now.
      if (size === 0 && !pumpScheduled) {
        const at = now();
        if (sliceStart === null) {
          sliceStart = at;
          setImmediate(endSlice);
        }
        if (at - sliceStart < sliceMs) {
          try {
            scope?.check();
            return Promise.resolve(run());
          } catch (error) {
            return Promise.reject(error);
          }
        }
      }
      return new Promise<T>((resolve, reject) => {
        const task: Task = {
          run,
          resolve: resolve as (value: unknown) => void,
          reject,
          enqueuedAt: now(),
          scope,
        };
        let queue = queues.get(key);
        if (!queue) {
          queue = [];
          queues.set(key, queue);
          turns.push(key);
        }
        queue.push(task);
        size++;
        schedule();
      });
    },
    get size() {
      return size;
    },
  };
}
