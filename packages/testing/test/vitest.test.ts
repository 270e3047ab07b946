// @weft/testing from a vitest suite, as a vitest user runs it: the vitest project in ./vitest, run by
// vitest itself in a process of its own.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

test('startWeft works in a vitest suite', async () => {
  const root = join(import.meta.dirname, 'vitest');
  const vitest = join(import.meta.dirname, '../../../node_modules/vitest/vitest.mjs');
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) =>
    execFile(
      process.execPath,
      [vitest, 'run', '--root', root],
      { env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    ),
  );
  assert.equal(code, 0, output);
  assert.match(output, /Tests\s+1 passed/);
});
