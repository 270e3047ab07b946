import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLoginThrottle, createMemoryThrottleStore, LOGIN_LIMITS } from './login-throttle.ts';

function setup() {
  const clock = { time: 1_000_000, now: () => clock.time };
  return { clock, throttle: createLoginThrottle({ store: createMemoryThrottleStore(clock) }) };
}
const from = (address: string, account = 'ada@example.com', device: string | null = null) => ({
  account,
  address,
  device,
});

test('attempts are counted before their password is checked: of 500 at once, 5 get through', async () => {
  const { throttle } = setup();
  const waits = await Promise.all(Array.from({ length: 500 }, () => throttle.attempt(from('6.6.6.6'))));
  assert.equal(waits.filter((wait) => wait === 0).length, LOGIN_LIMITS.perAccountAndAddress);
  assert.ok(waits.slice(5).every((wait) => wait === LOGIN_LIMITS.windowMs));
});

test('guesses from one address lock out that address for the account, not the owner at theirs', async () => {
  const { throttle } = setup();
  for (let i = 0; i < 5; i++) assert.equal(await throttle.attempt(from('6.6.6.6')), 0);
  assert.ok((await throttle.attempt(from('6.6.6.6'))) > 0);
  assert.equal(await throttle.attempt(from('10.0.0.7')), 0, "the owner's own address");
});

test('an address trying many accounts is locked out for all of them', async () => {
  const { throttle } = setup();
  for (let i = 0; i < 20; i++)
    assert.equal(await throttle.attempt(from('6.6.6.6', `user${i}@example.com`)), 0);
  assert.ok((await throttle.attempt(from('6.6.6.6', 'fresh@example.com'))) > 0);
  assert.equal(await throttle.attempt(from('7.7.7.7', 'fresh@example.com')), 0);
});

test("guesses spread over many addresses lock out the account's new browsers, never a trusted device", async () => {
  const { throttle } = setup();
  for (let i = 0; i < 50; i++) assert.equal(await throttle.attempt(from(`6.6.6.${i}`)), 0);
  assert.ok((await throttle.attempt(from('10.0.0.7'))) > 0, 'a browser the account never used');
  // Also behind the attacker's own proxy address.
  assert.equal(await throttle.attempt(from('6.6.6.1', 'ada@example.com', 'device-1')), 0);
});

test("a trusted device's own failures lock out only that device", async () => {
  const { throttle } = setup();
  for (let i = 0; i < 10; i++)
    assert.equal(await throttle.attempt(from('1.1.1.1', 'ada@example.com', 'stolen')), 0);
  assert.ok((await throttle.attempt(from('1.1.1.1', 'ada@example.com', 'stolen'))) > 0);
  assert.equal(await throttle.attempt(from('1.1.1.1', 'ada@example.com', 'laptop')), 0);
  assert.equal(await throttle.attempt(from('1.1.1.1')), 0);
});

test('a success clears its account-and-address count and takes itself back from the others', async () => {
  const { throttle } = setup();
  for (let i = 0; i < 4; i++) await throttle.attempt(from('1.1.1.1'));
  await throttle.attempt(from('1.1.1.1'));
  await throttle.succeeded(from('1.1.1.1'));
  for (let i = 0; i < 5; i++)
    assert.equal(await throttle.attempt(from('1.1.1.1')), 0, `attempt ${i + 1} after`);
});

test('a count ends a window after its first attempt', async () => {
  const { clock, throttle } = setup();
  for (let i = 0; i < 5; i++) await throttle.attempt(from('6.6.6.6'));
  clock.time += LOGIN_LIMITS.windowMs - 1000;
  assert.equal(await throttle.attempt(from('6.6.6.6')), 1000);
  clock.time += 1000;
  assert.equal(await throttle.attempt(from('6.6.6.6')), 0);
});
