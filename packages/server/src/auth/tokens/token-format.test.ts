import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayToken, isWellFormedToken, mintToken } from './token-format.ts';

test('mints distinct well-formed tokens with the weft_ prefix', () => {
  const tokens = new Set(Array.from({ length: 1000 }, mintToken));
  assert.equal(tokens.size, 1000);
  for (const token of tokens) {
    assert.match(token, /^weft_[0-9A-Za-z]{36}$/);
    assert.ok(isWellFormedToken(token));
  }
});

test('rejects empty, truncated, extended, re-prefixed and checksum-broken tokens', () => {
  const token = mintToken();
  const flipped = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
  const badChecksum = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
  for (const bad of [
    '',
    'weft_',
    token.slice(0, -1),
    `${token}x`,
    token.replace('weft_', 'wefx_'),
    flipped,
    badChecksum,
    ` ${token}`,
  ]) {
    assert.equal(isWellFormedToken(bad), false, JSON.stringify(bad));
  }
});

test('displays the prefix with the first and last four characters only', () => {
  const token = mintToken();
  const shown = displayToken(token);
  assert.equal(shown, `weft_${token.slice(5, 9)}…${token.slice(-4)}`);
});
