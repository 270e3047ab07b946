import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { backends } from './helpers/backends.ts';
import { createTestClock, startTestApp, type TestApp } from './helpers/test-app.ts';

const SAME = { 'sec-fetch-site': 'same-origin' };

function cookieOf(response: LightMyRequestResponse, name: string) {
  return response.cookies.find((c) => c.name === name);
}

for (const backend of backends) {
  describe(`browser sessions, CSRF and pages on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    const clock = createTestClock();

    /** GET /login, then POST it with the form's CSRF token; resolves with the response. */
    async function logIn(
      email: string,
      password: string,
      headers: Record<string, string> = SAME,
      host?: string,
    ) {
      const page = await t.app.inject({ url: '/login', headers: host ? { host } : {} });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      return t.app.inject({
        method: 'POST',
        url: '/login',
        headers: {
          ...headers,
          ...(host ? { host } : {}),
          cookie: `weft_login=${cookieOf(page, 'weft_login')!.value}`,
        },
        payload: { email, password, _csrf: csrf },
      });
    }
    async function sessionCookie(email: string, password = 'long-password') {
      const response = await logIn(email, password);
      assert.equal(response.statusCode, 303, response.body);
      return `weft_session=${cookieOf(response, 'weft_session')!.value}`;
    }
    const inject = (options: InjectOptions) => t.app.inject(options);
    const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

    before(async () => {
      t = await startTestApp(backend, { config: { baseDomain: 'weft.test' }, clock });
      await t.accounts.createWorkspace({ slug: 'demo', name: 'Demo' });
      await t.accounts.createWorkspace({ slug: 'acme' });
      for (const email of [
        'ada@example.com',
        'bo@example.com',
        'cy@example.com',
        'dee@example.com',
        'eve@example.com',
      ]) {
        await t.accounts.createUser({
          workspace: 'demo',
          email,
          name: email.split('@')[0]!,
          role: 'member',
          password: 'long-password',
        });
      }
    });
    after(() => t?.close());

    test('the login page has labelled Email and Password fields and a Log in button', async () => {
      const page = await inject({ url: '/login' });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<label for="email">Email<\/label>\s*<input id="email"/);
      assert.match(
        page.body,
        /<label for="password">Password<\/label>\s*<input id="password" name="password" type="password"/,
      );
      assert.match(page.body, /<button type="submit" class="primary">Log in<\/button>/);
    });

    test('each response has the Content-Security-Policy of its route: pages their script, the console the API, JSON nothing', async () => {
      const cookie = await sessionCookie('ada@example.com');
      const csp = async (url: string, headers = {}) =>
        String((await inject({ url, headers })).headers['content-security-policy']);
      assert.doesNotMatch(await csp('/settings/api-tokens', { cookie }), /connect-src/);
      assert.match(await csp('/', { cookie }), /connect-src 'self'/);
      const api = await csp('/api/tokens', { cookie });
      assert.match(api, /default-src 'none'/);
      assert.doesNotMatch(api, /script-src|style-src|connect-src/);
    });

    test('every page carries the security headers, and none may be stored: they hold the CSRF token and email', async () => {
      const cookie = await sessionCookie('ada@example.com');
      for (const [url, headers] of [
        ['/login', {}],
        ['/', { cookie }],
        ['/settings/api-tokens', { cookie }],
      ] as const) {
        const page = await inject({ url, headers });
        assert.equal(page.statusCode, 200, url);
        assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
        assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
        assert.equal(page.headers['referrer-policy'], 'no-referrer');
        assert.equal(page.headers['x-content-type-options'], 'nosniff');
        assert.equal(page.headers['cache-control'], 'no-store', url);
      }
    });

    test('logging in sets an HttpOnly, SameSite=Lax session cookie and redirects home with 303', async () => {
      const response = await logIn('ada@example.com', 'long-password');
      assert.equal(response.statusCode, 303);
      assert.equal(response.headers.location, '/');
      const cookie = cookieOf(response, 'weft_session')!;
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      assert.equal(cookie.path, '/');
      assert.equal(cookie.domain, undefined);
      const home = await inject({ url: '/', headers: { cookie: `weft_session=${cookie.value}` } });
      assert.equal(home.statusCode, 200);
      assert.match(
        home.body,
        /<nav aria-label="Workspace menu">[\s\S]*<a href="\/settings\/api-tokens">API Tokens<\/a>/,
      );
    });

    test('a wrong password and an unknown email get the same answer', async () => {
      const wrong = await logIn('bo@example.com', 'not-the-password');
      const unknown = await logIn('nobody@example.com', 'not-the-password');
      assert.equal(wrong.statusCode, 401);
      assert.equal(unknown.statusCode, 401);
      const message = (html: string) => /<p class="error" role="alert">([^<]+)<\/p>/.exec(html)![1];
      assert.equal(message(wrong.body), message(unknown.body));
      assert.equal(cookieOf(wrong, 'weft_session'), undefined);
    });

    test('logins are throttled per account after 5 failures, known or unknown email alike', async () => {
      for (const email of ['cy@example.com', 'ghost@example.com']) {
        for (let i = 0; i < 5; i++) assert.equal((await logIn(email, 'wrong-password')).statusCode, 401);
        const blocked = await logIn(email, 'long-password');
        assert.equal(blocked.statusCode, 429, email);
        assert.ok(Number(blocked.headers['retry-after']) > 0);
      }
      clock.advance(15 * 60_000);
      assert.equal((await logIn('cy@example.com', 'long-password')).statusCode, 303);
    });

    test('a login form posted from another site or without its token is refused', async () => {
      assert.equal(
        (await logIn('ada@example.com', 'long-password', { 'sec-fetch-site': 'cross-site' })).statusCode,
        403,
      );
      assert.equal(
        (await logIn('ada@example.com', 'long-password', { origin: 'https://evil.example' })).statusCode,
        403,
      );
      const noToken = await inject({
        method: 'POST',
        url: '/login',
        headers: SAME,
        payload: { email: 'ada@example.com', password: 'long-password' },
      });
      assert.equal(noToken.statusCode, 403);
    });

    test('the session cookie authenticates the API; unsafe requests must come from this site', async () => {
      const cookie = await sessionCookie('dee@example.com');
      assert.equal((await inject({ url: '/api/tokens', headers: { cookie } })).statusCode, 200);
      const created = await inject({ method: 'POST', url: '/api/tokens', headers: { cookie, ...SAME } });
      assert.equal(created.statusCode, 201);
      const byOrigin = await inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { cookie, origin: 'http://localhost:80', host: 'localhost:80' },
      });
      assert.equal(byOrigin.statusCode, 201);
      for (const headers of [
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site' },
        { origin: 'https://evil.example' },
        // The right host over another scheme is another origin.
        { origin: 'https://localhost:80' },
        {},
      ]) {
        const refused = await inject({ method: 'POST', url: '/api/tokens', headers: { cookie, ...headers } });
        assert.equal(refused.statusCode, 403, JSON.stringify(headers));
        assert.equal(refused.json().error.code, 'CSRF_REJECTED');
        const id = created.json().id;
        const notDeleted = await inject({
          method: 'DELETE',
          url: `/api/tokens/${id}`,
          headers: { cookie, ...headers },
        });
        assert.equal(notDeleted.statusCode, 403);
      }
      assert.equal(
        (await inject({ url: '/api/tokens', headers: { cookie } })).json().length,
        2,
        'nothing changed',
      );
    });

    test('with an Authorization header the cookie is ignored entirely', async () => {
      const cookie = await sessionCookie('dee@example.com');
      const response = await inject({ url: '/api/tokens', headers: { cookie, authorization: 'Token nope' } });
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'TOKEN_MALFORMED');
    });

    test('a tampered cookie or one from another workspace is 401 SESSION_INVALID', async () => {
      const cookie = await sessionCookie('ada@example.com');
      const tampered = `${cookie.slice(0, -1)}${cookie.endsWith('a') ? 'b' : 'a'}`;
      for (const [value, host] of [
        [tampered, 'localhost'],
        ['weft_session=x', 'localhost'],
        [cookie, 'acme.weft.test'],
      ] as const) {
        const response = await inject({ url: '/api/tokens', headers: { cookie: value, host } });
        assert.equal(response.statusCode, 401);
        assert.equal(response.json().error.code, 'SESSION_INVALID');
      }
    });

    test('logging out ends the session; the log-out form needs its CSRF token', async () => {
      const cookie = await sessionCookie('ada@example.com');
      const home = await inject({ url: '/', headers: { cookie } });
      assert.equal(
        (
          await inject({
            method: 'POST',
            url: '/logout',
            headers: { cookie, ...SAME },
            payload: { _csrf: 'wrong' },
          })
        ).statusCode,
        403,
      );
      const out = await inject({
        method: 'POST',
        url: '/logout',
        headers: { cookie, ...SAME },
        payload: { _csrf: csrfOf(home.body) },
      });
      assert.equal(out.statusCode, 303);
      assert.equal(out.headers.location, '/login');
      assert.equal((await inject({ url: '/api/tokens', headers: { cookie } })).statusCode, 401);
    });

    test('sessions end after the idle timeout, the absolute timeout, deactivation and a password change', async () => {
      const idle = await sessionCookie('eve@example.com');
      clock.advance(t.config.sessionIdleTimeout * 1000);
      assert.equal((await inject({ url: '/api/tokens', headers: { cookie: idle } })).statusCode, 401);

      const active = await sessionCookie('eve@example.com');
      const steps = Math.ceil(t.config.sessionAbsoluteTimeout / (t.config.sessionIdleTimeout / 2));
      for (let i = 0; i < steps; i++) {
        clock.advance((t.config.sessionIdleTimeout * 1000) / 2);
        const status = (await inject({ url: '/api/tokens', headers: { cookie: active } })).statusCode;
        if (status === 401) break;
      }
      assert.equal(
        (await inject({ url: '/api/tokens', headers: { cookie: active } })).statusCode,
        401,
        'absolute timeout',
      );

      const deactivated = await sessionCookie('eve@example.com');
      await t.accounts.deactivateUser('demo', 'eve@example.com');
      assert.equal((await inject({ url: '/api/tokens', headers: { cookie: deactivated } })).statusCode, 401);
      await t.accounts.activateUser('demo', 'eve@example.com');
      assert.equal(
        (await inject({ url: '/api/tokens', headers: { cookie: deactivated } })).statusCode,
        401,
        'stays ended',
      );

      const beforeChange = await sessionCookie('eve@example.com');
      clock.advance(1000);
      await t.accounts.setPassword('eve@example.com', 'another-password');
      assert.equal((await inject({ url: '/api/tokens', headers: { cookie: beforeChange } })).statusCode, 401);
      assert.equal((await logIn('eve@example.com', 'another-password')).statusCode, 303);
    });

    test('pages without a session redirect to the login page', async () => {
      for (const url of ['/', '/settings/api-tokens']) {
        const response = await inject({ url });
        assert.equal(response.statusCode, 303);
        assert.equal(response.headers.location, '/login');
      }
    });

    test('the API Tokens page generates a token shown once, notes the limit, and deletes after confirming', async () => {
      await t.accounts.createUser({
        workspace: 'demo',
        email: 'page@example.com',
        name: 'Page',
        role: 'observer',
        password: 'long-password',
      });
      const cookie = await sessionCookie('page@example.com');
      let page = await inject({ url: '/settings/api-tokens', headers: { cookie } });
      assert.match(page.body, /You have no API tokens yet\. A token lets a script/);
      assert.match(page.body, /0 of 3 tokens/);
      assert.match(page.body, />Generate token<\/button>/);
      const generate = (csrf: string) =>
        inject({
          method: 'POST',
          url: '/settings/api-tokens',
          headers: { cookie, ...SAME },
          payload: { _csrf: csrf, description: 'From the page' },
        });
      assert.equal((await generate('forged')).statusCode, 403);
      const generated = await generate(csrfOf(page.body));
      assert.equal(generated.statusCode, 303, 'POST, then 303: a reload cannot post again');
      assert.equal(generated.headers.location, '/settings/api-tokens');
      const flash = generated.cookies.find((c) => c.name === 'weft_new_token')!;
      assert.equal(flash.httpOnly, true);
      assert.equal(flash.path, '/settings/api-tokens');
      assert.ok(!flash.value.includes('weft_'), 'the cookie does not carry the token in the clear');
      const shown = await inject({
        url: '/settings/api-tokens',
        headers: { cookie: `${cookie}; weft_new_token=${flash.value}` },
      });
      assert.equal(shown.headers['cache-control'], 'no-store');
      const value =
        /id="new-token" class="secret" type="text" readonly autofocus value="(weft_[0-9A-Za-z]+)"/.exec(
          shown.body,
        )![1]!;
      assert.match(shown.body, /shown only this once/);
      assert.match(shown.body, /data-copy="new-token"/);
      assert.match(shown.body, /1 of 3 tokens/);
      assert.match(shown.body, /curl http:\/\/localhost:80\/api\/commands -H 'Authorization: Token weft_/);
      assert.ok(
        shown.cookies.some((c) => c.name === 'weft_new_token' && c.value === ''),
        'the page that shows it clears it',
      );
      // Another session cannot read it.
      const stranger = await sessionCookie('page@example.com');
      const stolen = await inject({
        url: '/settings/api-tokens',
        headers: { cookie: `${stranger}; weft_new_token=${flash.value}` },
      });
      assert.ok(!stolen.body.includes(value));
      assert.equal(
        (await inject({ url: '/api/tokens', headers: { authorization: `Token ${value}` } })).statusCode,
        200,
      );
      page = await inject({ url: '/settings/api-tokens', headers: { cookie } });
      assert.ok(!page.body.includes(value), 'never shown again');
      assert.match(page.body, /From the page/);
      await generate(csrfOf(page.body));
      await generate(csrfOf(page.body));
      page = await inject({ url: '/settings/api-tokens', headers: { cookie } });
      assert.match(page.body, /id="limit-reached"/);
      assert.match(
        page.body,
        /You have 3 tokens, the most you can have\. To make a new one, delete one you no longer use\./,
      );
      assert.doesNotMatch(page.body, /DELETE \/api/);
      assert.doesNotMatch(page.body, /Generate token/);
      assert.match(page.body, /3 of 3 tokens/);

      const [id] = /\/settings\/api-tokens\/([0-9a-f-]{36})\/delete/.exec(page.body)!.slice(1);
      const confirm = await inject({ url: `/settings/api-tokens/${id}/delete`, headers: { cookie } });
      assert.match(confirm.body, /<button type="submit" class="danger">Delete token<\/button>/);
      const deleted = await inject({
        method: 'POST',
        url: `/settings/api-tokens/${id}/delete`,
        headers: { cookie, ...SAME },
        payload: { _csrf: csrfOf(confirm.body) },
      });
      assert.equal(deleted.statusCode, 303);
      const after = await inject({ url: deleted.headers.location as string, headers: { cookie } });
      assert.match(after.body, /Token deleted\./);
      assert.equal((await inject({ url: '/api/tokens', headers: { cookie } })).json().length, 2);
    });
  });
}

describe('over https', () => {
  test('the session cookie is __Host- prefixed and Secure', async () => {
    const t = await startTestApp(backends[0]!, { config: { publicUrl: 'https://weft.example.com' } });
    try {
      await t.accounts.createWorkspace({ slug: 'demo' });
      await t.accounts.createUser({
        workspace: 'demo',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'member',
        password: 'long-password',
      });
      const page = await t.app.inject({ url: '/login' });
      const login = page.cookies.find((c) => c.name === '__Host-weft_login')!;
      assert.equal(login.secure, true);
      const response = await t.app.inject({
        method: 'POST',
        url: '/login',
        headers: { ...SAME, cookie: `__Host-weft_login=${login.value}` },
        payload: {
          email: 'ada@example.com',
          password: 'long-password',
          _csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!,
        },
      });
      const session = response.cookies.find((c) => c.name === '__Host-weft_session')!;
      assert.equal(session.secure, true);
      assert.equal(session.httpOnly, true);
      assert.equal(session.path, '/');
    } finally {
      await t.close();
    }
  });
});
