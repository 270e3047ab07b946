/** Debian's Chromium for the browser tests, launched as the project's rules say, and a layout check. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The reason to skip a browser test, or false when Chromium is there. */
export const chromiumSkip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is not installed (.ci/run installs it)`;

export const launchChromium = () => chromium.launch({ executablePath: CHROMIUM, args: FLAGS });

/** Fails when the page is wider than its window: something would scroll sideways. */
export async function assertNoSidewaysScroll(page: Page, what: string) {
  // A string, evaluated in the page: this project's TypeScript has no DOM types.
  const { scroll, client } = (await page.evaluate(
    '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
  )) as { scroll: number; client: number };
  assert.ok(scroll <= client, `${what}: ${scroll}px of content in a ${client}px window`);
}
