// The package as users get it: `npm pack` builds and packs @weft/client, the tarball installs into an
// empty folder, and a plain ES module there calls a Weft with it, on the machine's own Node.js 20 when
// there is one (the package promises Node 20+), else on this one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startWeft } from '@weft/testing';

const PACKAGE = join(import.meta.dirname, '..');
const SYSTEM_NODE = '/usr/bin/node';

test('npm pack gives a tarball that installs in an empty folder and runs there', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'weft-pack-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', folder], { cwd: PACKAGE, encoding: 'utf8' }),
  ) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]!.files.map((file) => file.path);
  assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), files.join(', '));
  assert.ok(
    !files.some((file) => file.startsWith('src/') || file.startsWith('test/')),
    'only the build is packed',
  );

  const app = join(folder, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--offline', join(folder, packed[0]!.filename)],
    {
      cwd: app,
      stdio: 'ignore',
    },
  );
  const weft = await startWeft({ limits: { token: 0, workspace: 0 } });
  t.after(() => weft.stop());
  writeFileSync(
    join(app, 'main.js'),
    `import { createClient, FiberyCommandError } from '@weft/client';
const client = createClient({ url: process.argv[2], token: process.argv[3] });
const [me] = await client.query({ 'q/from': 'fibery/user', 'q/select': ['user/email'], 'q/where': ['=', ['fibery/id'], '$my-id'] });
let failure = null;
try { await client.query({ 'q/from': 'Nope/Nope', 'q/select': ['fibery/id'] }); } catch (error) { failure = error instanceof FiberyCommandError ? error.name : String(error); }
console.log(JSON.stringify({ me, failure, node: process.version }));
`,
  );
  const node = existsSync(SYSTEM_NODE) ? SYSTEM_NODE : process.execPath;
  // Asynchronously: the Weft answering it runs in this process.
  const output = await new Promise<string>((resolve, reject) => {
    import('node:child_process').then(({ execFile }) =>
      execFile(node, ['main.js', weft.url, weft.token], { cwd: app }, (error, stdout, stderr) =>
        error ? reject(new Error(stderr || error.message)) : resolve(stdout),
      ),
    );
  });
  const result = JSON.parse(output);
  assert.deepEqual(result.me, { 'user/email': 'admin@example.com' });
  assert.equal(result.failure, 'entity.error/schema-type-not-found');
  t.diagnostic(`ran on Node.js ${result.node}`);
});
