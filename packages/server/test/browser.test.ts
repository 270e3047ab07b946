// In real headless Chromium: log in, open "API Tokens" from the workspace menu, generate a token, read
// it once, use it with fetch, delete it in the page, and see the same fetch get 401.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { backends } from './helpers/backends.ts';
import { chromiumSkip, launchChromium } from './helpers/browser.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

describe('the API Tokens page in Chromium', {
  skip: chromiumSkip,
}, () => {
  let t: TestApp;
  let browser: Browser;
  let url: string;

  before(async () => {
    t = await startTestApp(backends[0]!);
    await t.accounts.createWorkspace({ slug: 'demo', name: 'Demo Space' });
    await t.accounts.createUser({
      workspace: 'demo',
      email: 'ada@example.com',
      name: 'Ada',
      role: 'admin',
      password: 'ada-password',
    });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('log in, generate a token, use it, delete it, and the same fetch gets 401', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/`);
    assert.equal(new URL(page.url()).pathname, '/login');

    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('ada-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${url}/`);

    await page
      .getByRole('navigation', { name: 'Workspace menu' })
      .getByRole('link', { name: 'API Tokens' })
      .click();
    await page.waitForURL(`${url}/settings/api-tokens`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'API Tokens');

    await page.getByLabel('Description (optional)').fill('browser test');
    await page.getByRole('button', { name: 'Generate token' }).click();
    const value = await page.getByLabel('Token', { exact: true }).inputValue();
    assert.match(value, /^weft_[0-9A-Za-z]{36}$/);
    assert.ok(await page.getByText('shown only this once').isVisible());

    const fetchTokens = async () => {
      const response = await fetch(`${url}/api/tokens`, { headers: { authorization: `Token ${value}` } });
      return { status: response.status, body: (await response.json()) as { description: string }[] };
    };
    const used = await fetchTokens();
    assert.equal(used.status, 200);
    assert.deepEqual(
      used.body.map((token: { description: string }) => token.description),
      ['browser test'],
    );

    await page.goto(`${url}/settings/api-tokens`);
    assert.equal(await page.getByLabel('Token', { exact: true }).count(), 0, 'the secret is not shown again');
    await page.getByRole('button', { name: 'Delete browser test' }).click();
    await page.getByRole('button', { name: 'Delete token' }).click();
    await page.waitForURL(`${url}/settings/api-tokens?deleted`);
    assert.ok(await page.getByText('Token deleted.').isVisible());
    assert.ok(await page.getByText('You have no API tokens yet.', { exact: false }).isVisible());

    assert.equal((await fetchTokens()).status, 401);
    await context.close();
  });
});
