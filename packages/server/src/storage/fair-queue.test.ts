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

test('keys take turns one task each, whatever one key queued first', async () => {
  const { queue, ran, task } = setup();
  const all = [
    ...['a1', 'a2', 'a3', 'a4'].map((name) => queue.push('A', task(name))),
    queue.push('B', task('b1')),
    queue.push('B', task('b2')),
    queue.push('C', task('c1')),
  ];
  assert.deepEqual(await Promise.all(all), ['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'c1']);
  assert.deepEqual(ran, ['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
});

test('after holding the event loop for the slice, the rest waits for its next turn', async () => {
  const { queue, ran, task } = setup();
  const done = ['x1', 'x2', 'x3'].map((name) => queue.push('X', task(name, 3)));
  // Queued behind the first slice: it runs when the event loop turns, before the statements left.
  setImmediate(() => ran.push('event loop'));
  await Promise.all(done);
  assert.deepEqual(ran, ['x1', 'x2', 'event loop', 'x3']);
});

test('a task that waited longer than the wait limit is refused, not run', async () => {
  const { queue, ran, task } = setup(10);
  const slow = queue.push('A', task('slow', 50));
  const late = queue.push('B', task('late'));
  assert.equal(await slow, 'slow');
  await assert.rejects(late, DatabaseBusyError);
  assert.deepEqual(ran, ['slow']);
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
