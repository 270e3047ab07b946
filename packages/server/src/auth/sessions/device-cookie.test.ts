import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEVICE_COOKIE_MAX_AGE_S,
  deviceCookieName,
  issueDeviceCookie,
  verifyDeviceCookie,
} from './device-cookie.ts';

const ada = { id: 'a1', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA' };
const NOW = 1_800_000_000_000;

test('a device cookie verifies for its account only, until the password changes or a year passes', () => {
  const value = issueDeviceCookie(ada, NOW)!;
  const device = verifyDeviceCookie(value, ada, NOW + 1000);
  assert.ok(device);
  assert.equal(verifyDeviceCookie(value, { ...ada, id: 'b2' }, NOW), null, 'another account');
  assert.equal(
    verifyDeviceCookie(value, { ...ada, passwordHash: `${ada.passwordHash}x` }, NOW),
    null,
    'a new password',
  );
  assert.equal(verifyDeviceCookie(value, ada, NOW + DEVICE_COOKIE_MAX_AGE_S * 1000 + 1), null, 'a year on');
  const [issuedAt, nonce, mac] = value.split('.');
  for (const forged of [
    `${Number(issuedAt) + 1}.${nonce}.${mac}`,
    `${issuedAt}.x${nonce}.${mac}`,
    `${value}.x`,
    '',
    'a.b',
  ])
    assert.equal(verifyDeviceCookie(forged, ada, NOW), null, forged);
  assert.equal(issueDeviceCookie({ id: 'c3', passwordHash: null }, NOW), null, 'no password, no device');
});

test('each account has a cookie of its own, named without the account id in the clear', () => {
  assert.notEqual(deviceCookieName('a1', ''), deviceCookieName('b2', ''));
  assert.match(deviceCookieName('a1', '__Host-'), /^__Host-weft_device_[0-9a-f]{12}$/);
});
