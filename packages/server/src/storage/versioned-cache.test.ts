import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createVersionedCache } from './versioned-cache.ts';

test('serves an entry while the version stays, and drops everything when it moves', () => {
  const cache = createVersionedCache<number>();
  assert.equal(cache.get('1', 'a'), undefined);
  cache.set('1', 'a', 42);
  assert.equal(cache.get('1', 'a'), 42);
  assert.equal(cache.get('2', 'a'), undefined);
  assert.equal(cache.get('1', 'a'), undefined, 'an older version does not bring it back');
});

test('never keeps a value read under a version that has moved on', () => {
  const cache = createVersionedCache<number>();
  cache.get('1', 'a');
  cache.get('2', 'b');
  cache.set('1', 'a', 1);
  assert.equal(cache.get('2', 'a'), undefined);
});

test('caches nothing without a version, and stays within its size', () => {
  const cache = createVersionedCache<number>({ maxEntries: 2 });
  cache.set(null, 'a', 1);
  assert.equal(cache.get(null, 'a'), undefined);
  cache.get('v', 'x');
  for (const key of ['a', 'b', 'c']) cache.set('v', key, 1);
  assert.equal(['a', 'b', 'c'].filter((key) => cache.get('v', key) !== undefined).length, 1);
});
