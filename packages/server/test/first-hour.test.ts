// The first hour in real headless Chromium, as a person would, at 1280 and 390 px: log in, run
// Fibery's example in the API console, browse the schema, create a token, reload (no second token),
// copy it, use it with curl, delete it. On every page, nothing overflows sideways.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { createSampleSpace } from '../src/bootstrap/sample-space.ts';
import { commandLimits } from '../src/commands/index.ts';
import { createLogger } from '../src/http/logger.ts';
import { backends } from './helpers/backends.ts';
import { assertNoSidewaysScroll, chromiumSkip, launchChromium } from './helpers/browser.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

const SHOTS = join(tmpdir(), 'weft-first-hour-screenshots');
const curl = promisify(execFile);

describe('the first hour in Chromium', {
  skip: chromiumSkip,
}, () => {
  let t: TestApp;
  let browser: Browser;
  let url: string;

  before(async () => {
    t = await startTestApp(backends[0]!, { config: { rateLimitToken: 3, rateLimitWorkspace: 7 } });
    const workspace = await t.accounts.createWorkspace({ slug: 'demo', name: 'Demo Space' });
    const { user } = await t.accounts.createUser({
      workspace: 'demo',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      role: 'admin',
      password: 'ada-password',
    });
    await createSampleSpace({
      principal: { workspace, user, role: 'admin', credential: { kind: 'token', id: 'test' } },
      db: t.storage,
      limits: commandLimits(t.config),
      clock: Date,
      log: { log: createLogger('silent'), requestId: 'test' },
    });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const width of [1280, 390]) {
    test(`log in, run the example, browse the schema, make, copy, use and delete a token at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
      const page = await context.newPage();
      const shot = (name: string) =>
        page.screenshot({ path: join(SHOTS, `${width}-${name}.png`), fullPage: true });

      await page.goto(`${url}/`);
      await page.getByLabel('Email').fill('ada@example.com');
      await page.getByLabel('Password').fill('ada-password');
      await assertNoSidewaysScroll(page, 'login');
      await shot('1-login');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${url}/`);

      // The console: Fibery's example is there; run it, see the answer, the status and the limits.
      const command = page.getByLabel('Command (JSON: one command or an array of them)');
      assert.match(await command.inputValue(), /"\$my-id"/);
      await page.getByRole('button', { name: 'Run' }).click();
      await page.getByRole('status').filter({ hasText: 'HTTP 200' }).waitFor();
      assert.match((await page.getByRole('status').first().textContent()) ?? '', /RateLimit: "session";r=\d/);
      assert.match((await page.getByLabel('Answer').textContent()) ?? '', /"user\/email": "ada@example.com"/);
      // An example picked from the list, run from the keyboard.
      await page.getByLabel('Examples').selectOption({ label: 'The first 10 of Cricket/Player' });
      await command.focus();
      await page.keyboard.press('Control+Enter');
      await page.getByLabel('Answer').filter({ hasText: 'Brian Lara' }).waitFor();
      assert.match((await page.getByLabel('Answer').textContent()) ?? '', /"Cricket\/Current Team": \{/);

      // The schema: databases, fields, relations and the values of a single select.
      await page.getByText('Cricket/Player', { exact: true }).first().click();
      assert.ok(await page.getByRole('cell', { name: 'Cricket/Current Team' }).isVisible());
      assert.ok(await page.getByRole('cell', { name: 'one Cricket/Team' }).isVisible());
      await page.locator('summary').filter({ hasText: 'single select' }).first().click();
      assert.ok(
        await page.getByText('Values: Right, Left').or(page.getByText('Values: Left, Right')).isVisible(),
      );
      await assertNoSidewaysScroll(page, 'home');
      await shot('2-home');

      // A token: made once, a reload makes no second one, copied, used with curl, deleted.
      await page
        .getByRole('navigation', { name: 'Workspace menu' })
        .getByRole('link', { name: 'API Tokens' })
        .click();
      assert.ok(await page.getByText('0 of 3 tokens').isVisible());
      assert.ok(await page.getByText('You have no API tokens yet.', { exact: false }).isVisible());
      await page.getByLabel('Description (optional)').fill(`first hour ${width}`);
      await page.getByRole('button', { name: 'Generate token' }).click();
      const field = page.getByLabel('Token', { exact: true });
      const value = await field.inputValue();
      assert.match(value, /^weft_[0-9A-Za-z]{36}$/);
      // autofocus applies once the page has loaded: wait for it rather than read it at once.
      await page.waitForFunction('document.activeElement?.id === "new-token"', undefined, { timeout: 5000 });
      const fits = (await page.evaluate(
        '(() => { const f = document.getElementById("new-token"); return f.scrollWidth <= f.clientWidth; })()',
      )) as boolean;
      assert.ok(fits, 'the whole token is visible in its field');
      assert.ok(await page.getByText('1 of 3 tokens').isVisible());
      await assertNoSidewaysScroll(page, 'new token');
      await shot('3-new-token');
      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByText('Copied to the clipboard.').waitFor();
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), value);

      await page.reload();
      assert.equal(await page.getByLabel('Token', { exact: true }).count(), 0, 'shown once');
      assert.ok(await page.getByText('1 of 3 tokens').isVisible(), 'the reload made no second token');

      const { stdout } = await curl('curl', [
        '-s',
        `${url}/api/commands`,
        '-H',
        `Authorization: Token ${value}`,
        '-H',
        'Content-Type: application/json',
        '-d',
        '[{"command": "fibery.schema/query"}]',
      ]);
      assert.equal(JSON.parse(stdout)[0].success, true, 'curl with the copied token works');

      await page.getByRole('button', { name: `Delete first hour ${width}` }).click();
      await assertNoSidewaysScroll(page, 'delete');
      await shot('4-delete');
      await page.getByRole('button', { name: 'Delete token' }).click();
      await page.getByText('Token deleted.').waitFor();
      assert.ok(await page.getByText('0 of 3 tokens').isVisible());
      await assertNoSidewaysScroll(page, 'deleted');
      await shot('5-deleted');
      const after = await curl('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `${url}/api/tokens`,
        '-H',
        `Authorization: Token ${value}`,
      ]);
      assert.equal(after.stdout, '401');

      await page
        .getByRole('navigation', { name: 'Workspace menu' })
        .getByRole('link', { name: 'Authorized apps' })
        .click();
      await assertNoSidewaysScroll(page, 'authorized apps');
      await context.close();
    });
  }
});
