// The pacing windows of clients that are gone are forgotten: a process that talks to many workspaces
// or tokens over time keeps only the windows of its live clients. Run in a process of its own with
// the garbage collector exposed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';

const SCRIPT = `
import { createClient } from '@weft/client';
import { liveWindows } from './packages/client/src/pacing.ts';
const kept = createClient({ url: 'http://kept.example.com', token: 'weft_kept' });
for (let i = 0; i < 1000; i++) createClient({ url: 'http://w' + i + '.example.com', token: 'weft_' + i });
const before = liveWindows();
for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((resolve) => setTimeout(resolve, 0)); }
console.log(JSON.stringify({ before, after: liveWindows(), kept: typeof kept.query }));
`;

test('the windows of clients no longer held are forgotten; a live client keeps its own', async () => {
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--expose-gc', '--conditions=weft-source', '--input-type=module', '-e', SCRIPT],
      { cwd: new URL('../../..', import.meta.url).pathname },
      (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout)),
    ),
  );
  const { before, after } = JSON.parse(output);
  assert.equal(before, 2002, 'a workspace window and a token window per client');
  assert.equal(after, 2, "only the live client's two");
});
