// Password guessing through the login form: parallel guesses are counted before any is checked,
// on one instance or several sharing Redis, and guesses never lock the owner out of a browser
// that has logged in before, nor out of their own address.
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Config } from '../src/config/index.ts';
import { backends } from './helpers/backends.ts';
import { redisSkip, TEST_REDIS_URL } from './helpers/redis.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

const SAME = { 'sec-fetch-site': 'same-origin' };
const PASSWORD = 'the-right-password';

/** A login form's CSRF cookie and token, from GET /login. */
async function loginForm(t: TestApp) {
  const page = await t.app.inject({ url: '/login' });
  return {
    csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!,
    cookie: `weft_login=${page.cookies.find((c) => c.name === 'weft_login')!.value}`,
  };
}

async function logIn(
  t: TestApp,
  form: { csrf: string; cookie: string },
  password: string,
  { address = '127.0.0.1', cookies = '', email = 'ada@example.com' } = {},
) {
  return t.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: address,
    headers: { ...SAME, cookie: [form.cookie, cookies].filter(Boolean).join('; ') },
    payload: { email, password, _csrf: form.csrf },
  });
}

/** The device cookie a successful login set, as a Cookie header. */
const deviceCookieOf = (response: LightMyRequestResponse) => {
  const device = response.cookies.find((c) => c.name.startsWith('weft_device_'));
  assert.ok(device, 'a device cookie');
  return `${device.name}=${device.value}`;
};

async function startWithAda(config: Partial<Config> = {}, email = 'ada@example.com') {
  const t = await startTestApp(backends[0]!, { config });
  await t.accounts.createWorkspace({ slug: 'demo' });
  await t.accounts.createUser({ workspace: 'demo', email, name: 'Ada', role: 'member', password: PASSWORD });
  return t;
}

/** 500 guesses at once, spread over `apps`, the right password the 250th: how they were answered. */
async function guessInParallel(apps: TestApp[], email = 'ada@example.com', address = '6.6.6.6') {
  const forms = await Promise.all(apps.map(loginForm));
  const responses = await Promise.all(
    Array.from({ length: 500 }, (_, i) =>
      logIn(apps[i % apps.length]!, forms[i % apps.length]!, i === 250 ? PASSWORD : `guess-${i}`, {
        address,
        email,
      }),
    ),
  );
  const count = (status: number) => responses.filter((r) => r.statusCode === status).length;
  return { checked: count(401) + count(303), refused: count(429), loggedIn: count(303) };
}

describe('login throttling in one process', () => {
  let t: TestApp;
  before(async () => {
    t = await startWithAda();
  });
  after(() => t?.close());

  test('500 parallel guesses against one account: 5 are checked, and the right password among them is refused', async () => {
    const { checked, refused, loggedIn } = await guessInParallel([t]);
    assert.equal(checked, 5);
    assert.equal(refused, 495);
    assert.equal(loggedIn, 0);
  });

  test("an attacker's guesses do not lock the owner out from their own address", async () => {
    const form = await loginForm(t);
    // The attacker's five guesses from one address (the test before sends 500: then they are refused).
    for (let i = 0; i < 5; i++) await logIn(t, form, `guess-${i}`, { address: '6.6.6.6' });
    assert.equal(
      (await logIn(t, form, 'guess', { address: '6.6.6.6' })).statusCode,
      429,
      'the attacker is out',
    );
    assert.equal((await logIn(t, form, PASSWORD, { address: '10.0.0.7' })).statusCode, 303);
  });
});

describe('login throttling behind a proxy that hides addresses', () => {
  test('a browser that logged in before still logs in while guesses from everywhere lock out the rest', async (t) => {
    const app = await startWithAda();
    t.after(() => app.close());
    const form = await loginForm(app);
    const first = await logIn(app, form, PASSWORD);
    assert.equal(first.statusCode, 303);
    const device = deviceCookieOf(first);
    // Every request comes from the proxy's address: the guesses lock it out for the account...
    for (let i = 0; i < 5; i++) assert.equal((await logIn(app, form, `guess-${i}`)).statusCode, 401);
    assert.equal((await logIn(app, form, PASSWORD)).statusCode, 429, 'a new browser waits');
    // ...but not for the owner's browser, which still logs in, and gets a fresh device cookie.
    const again = await logIn(app, form, PASSWORD, { cookies: device });
    assert.equal(again.statusCode, 303, again.body);
    deviceCookieOf(again);
    // A forged or foreign device cookie is no device at all.
    const forged = device.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal((await logIn(app, form, PASSWORD, { cookies: forged })).statusCode, 429);
  });
});

describe('login throttling across instances sharing Redis', { skip: redisSkip }, () => {
  test('500 parallel guesses spread over two instances: 5 are checked in all', async (t) => {
    // Redis keeps counts for 15 minutes: an email of its own, so runs never count against each other.
    const email = `ada-${randomUUID()}@example.com`;
    // A Redis answer slower than the timeout is counted in process instead (the outage path, below);
    // a loaded machine can take that long for 500 scripts, so wait longer here.
    const config = { redisUrl: TEST_REDIS_URL, rateLimitRedisTimeoutMs: 10_000 };
    const first = await startWithAda(config, email);
    t.after(() => first.close());
    const second = await startWithAda(config, email);
    t.after(() => second.close());
    // An address of its own too: Redis keeps the address's count (20 for every account) across runs.
    const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`;
    const { checked, refused, loggedIn } = await guessInParallel([first, second], email, address);
    assert.equal(checked, 5);
    assert.equal(refused, 495);
    assert.equal(loggedIn, 0);
  });
});

describe('login throttling while Redis does not answer', () => {
  test('500 parallel guesses are counted in process instead: 5 are checked', async (t) => {
    // Nothing listens on port 1: every script fails at once and the instance counts on its own.
    const app = await startWithAda({ redisUrl: 'redis://127.0.0.1:1', rateLimitRedisTimeoutMs: 50 });
    t.after(() => app.close());
    const { checked, refused, loggedIn } = await guessInParallel([app]);
    assert.equal(checked, 5);
    assert.equal(refused, 495);
    assert.equal(loggedIn, 0);
  });
});
