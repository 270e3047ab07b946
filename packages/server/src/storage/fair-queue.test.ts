import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFairQueue } from './fair-queue.ts';
import { DatabaseBusyError, type SqlScope } from './sql-driver.ts';

/** A clock moved by hand: each task says how long it "runs". */
function setup(waitLimitMs = 1000) {
  const clock = { ms: 0 };
  const queue = createFairQueue({ sliceMs: 4, waitLimitMs, now: () => clock.ms });
  const ran: string[] = [];
  const task =
    (name: string, ms = 0) =>
    () => {
      clock.ms += ms;
      ran.push(name);
      return name;
    };
  return { clock, queue, ran, task };
}

test('a task with nothing waiting runs at once; once some wait, keys take turns one task each', async () => {
  const { queue, ran, task } = setup();
  // The first runs in push, and holds the event loop past the slice: the rest wait for their turn.
  const first = queue.push('A', task('a0', 5));
  assert.deepEqual(ran, ['a0']);
  const all = [
    ...['a1', 'a2', 'a3', 'a4'].map((name) => queue.push('A', task(name))),
    queue.push('B', task('b1')),
    queue.push('B', task('b2')),
    queue.push('C', task('c1')),
  ];
  assert.deepEqual(await Promise.all([first, ...all]), ['a0', 'a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'c1']);
  assert.deepEqual(ran, ['a0', 'a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
});

test('after holding the event loop for the slice, the rest waits for its next turn', async () => {
  const { queue, ran, task } = setup();
  // Queued before the first slice: it runs when the event loop turns, before the statements left.
  setImmediate(() => ran.push('event loop'));
  const done = ['x1', 'x2', 'x3'].map((name) => queue.push('X', task(name, 3)));
  await Promise.all(done);
  assert.deepEqual(ran, ['x1', 'x2', 'event loop', 'x3']);
});

test('a task that waited longer than the wait limit is refused, not run', async () => {
  const { queue, ran, task } = setup(10);
  const block = queue.push('W', task('block', 5));
  // Both wait; the first of them runs 50 ms, longer than the second may wait.
  const slow = queue.push('A', task('slow', 50));
  const late = queue.push('B', task('late'));
  await block;
  assert.equal(await slow, 'slow');
  await assert.rejects(late, DatabaseBusyError);
  assert.deepEqual(ran, ['block', 'slow']);
});

test("a task whose scope says stop gets the scope's error and is not run", async () => {
  const { queue, ran, task } = setup();
  const stopped: SqlScope = {
    key: 'A',
    check() {
      throw new Error('time is up');
    },
    watch: () => () => {},
  };
  await assert.rejects(queue.push('A', task('never'), stopped), /time is up/);
  assert.equal(await queue.push('A', task('next')), 'next');
  assert.deepEqual(ran, ['next']);
});
