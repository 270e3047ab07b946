// In real headless Chromium, as a person would: an app sends the browser to Weft, which asks to log in
// and to allow the app (fields found by their labels, buttons by their names); the app gets its code
// (the page's CSP lets the consent form end at the app); then, in the workspace, the Authorized apps
// page lists the app and revokes it, and its access token stops working.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { backends } from './helpers/backends.ts';
import { assertNoSidewaysScroll, chromiumSkip, launchChromium } from './helpers/browser.ts';
import {
  authorizationUrl,
  discover,
  type OAuthBench,
  PASSWORD,
  REDIRECT_URI,
  startOAuthBench,
  whoAmI,
} from './helpers/oauth.ts';

/** Checks the page at 390 px (and keeps a screenshot), then puts the window back. */
async function fitsA390pxPhone(page: Page, name: string) {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SHOTS, `390-${name}.png`), fullPage: true });
  await assertNoSidewaysScroll(page, name).finally(() => page.setViewportSize(size));
}

/** Screenshots of each page, to look at after a run. */
const SHOTS = join(tmpdir(), 'weft-oauth-screenshots');

describe('OAuth login, consent and Authorized apps in Chromium', {
  skip: chromiumSkip,
}, () => {
  let bench: OAuthBench;
  let browser: Browser;

  before(async () => {
    bench = await startOAuthBench(backends[0]!);
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await bench?.close();
  });

  test('log in, allow the app, and later revoke it on the Authorized apps page', async () => {
    const context = await browser.newContext();
    // The app's callback: answered here, as the app's own server would.
    await context.route(`${REDIRECT_URI}**`, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<h1>The app got its answer</h1>' }),
    );
    const page = await context.newPage();
    const request = await authorizationUrl(bench);
    await page.goto(request.url);

    assert.equal(
      await page.getByRole('heading', { level: 1 }).textContent(),
      'Log in to continue to Test App',
    );
    await page.screenshot({ path: join(SHOTS, '1-login.png'), fullPage: true });
    await fitsA390pxPhone(page, 'login');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();

    await page.getByRole('heading', { name: 'Allow Test App?' }).waitFor();
    assert.ok(await page.getByText('Ada Lovelace').isVisible(), 'says who is granting');
    assert.ok(await page.getByText('Know who you are: your name and email address.').isVisible());
    assert.ok(await page.getByText('Stay connected when you are not using it', { exact: false }).isVisible());
    await page.screenshot({ path: join(SHOTS, '2-consent.png'), fullPage: true });
    await fitsA390pxPhone(page, 'consent');
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.waitForURL(`${REDIRECT_URI}**`);
    const callback = new URL(page.url());
    assert.equal(callback.searchParams.get('state'), request.state);
    const config = await discover(bench);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    assert.equal((await whoAmI(bench, tokens.access_token)).status, 200);

    // In the workspace: log in, open Authorized apps from the menu, revoke the app.
    await page.goto(`${bench.base}/login`);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${bench.base}/`);
    await page
      .getByRole('navigation', { name: 'Workspace menu' })
      .getByRole('link', { name: 'Authorized apps' })
      .click();
    await page.waitForURL(`${bench.base}/settings/authorized-apps`);
    const row = page.getByRole('row', { name: /Test App/ });
    assert.ok(await row.isVisible());
    assert.ok(await row.getByText('openid').isVisible());
    await page.screenshot({ path: join(SHOTS, '3-authorized-apps.png'), fullPage: true });
    await fitsA390pxPhone(page, 'authorized-apps');
    await row.getByRole('button', { name: 'Revoke Test App' }).click();
    await page.getByRole('status').filter({ hasText: 'Access revoked for Test App' }).waitFor();
    assert.equal(await page.getByRole('row', { name: /Test App/ }).count(), 0);
    await page.screenshot({ path: join(SHOTS, '4-revoked.png'), fullPage: true });

    const after = await whoAmI(bench, tokens.access_token);
    assert.equal(after.status, 401);
    await context.close();
  });
});
