import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSlots } from './slots.ts';
import { DatabaseBusyError } from './sql-driver.ts';

test('a free slot is taken at once; waiters get freed slots first come, first served', async () => {
  const slots = createSlots(2, 1000, 'a slot');
  await slots.acquire();
  await slots.acquire();
  const order: string[] = [];
  const first = slots.acquire().then(() => order.push('first'));
  const second = slots.acquire().then(() => order.push('second'));
  slots.release();
  await first;
  slots.release();
  await second;
  assert.deepEqual(order, ['first', 'second']);
  assert.equal(slots.taken, 2);
});

test('a waiter gives up after the wait limit with DatabaseBusyError naming what it waited for', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const slots = createSlots(1, 200, 'the write lock');
  await slots.acquire();
  const waiting = slots.acquire();
  t.mock.timers.tick(199);
  const next = slots.acquire();
  t.mock.timers.tick(1);
  await assert.rejects(
    waiting,
    (error: Error) => error instanceof DatabaseBusyError && /write lock/.test(error.message),
  );
  // The one that gave up is out of the line: the next waiter gets the slot.
  slots.release();
  await next;
  assert.equal(slots.taken, 1);
});
