import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLoginThrottle } from './login-throttle.ts';

function setup() {
  const clock = { time: 1_000_000, now: () => clock.time };
  return {
    clock,
    throttle: createLoginThrottle({ maxPerAccount: 3, maxPerAddress: 5, windowMs: 60_000, clock }),
  };
}

test('blocks an account after its limit of failures until the window ends', () => {
  const { clock, throttle } = setup();
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.retryAfterMs('ada', '1.1.1.1'), 0);
    throttle.recordFailure('ada', `10.0.0.${i}`);
  }
  assert.equal(throttle.retryAfterMs('ada', '9.9.9.9'), 60_000);
  clock.time += 59_000;
  assert.equal(throttle.retryAfterMs('ada', '9.9.9.9'), 1_000);
  clock.time += 1_000;
  assert.equal(throttle.retryAfterMs('ada', '9.9.9.9'), 0);
});

test('blocks an address that tries many accounts', () => {
  const { throttle } = setup();
  for (let i = 0; i < 5; i++) throttle.recordFailure(`user${i}`, '6.6.6.6');
  assert.ok(throttle.retryAfterMs('fresh', '6.6.6.6') > 0);
  assert.equal(throttle.retryAfterMs('fresh', '7.7.7.7'), 0);
});

test('a success clears the account count', () => {
  const { throttle } = setup();
  throttle.recordFailure('ada', 'a');
  throttle.recordFailure('ada', 'b');
  throttle.recordSuccess('ada');
  throttle.recordFailure('ada', 'c');
  throttle.recordFailure('ada', 'd');
  assert.equal(throttle.retryAfterMs('ada', 'e'), 0);
});
