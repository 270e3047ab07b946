// Every command the README shows runs as shown against a server started as the README says: each curl
// line answers without an error (queries return rows), each CLI line exits 0. Run in order, so later
// lines may use what earlier ones made. `$TOKEN` is the first start's printed token.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { tempDir } from './helpers/backends.ts';
import { freePort } from './helpers/redis.ts';
import { spawnWeft, WEFT_BIN, type WeftProcess } from './helpers/spawn-weft.ts';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const run = promisify(execFile);

/** The lines of the README's sh blocks (continuations joined) and its inline `npx weft …` commands. */
function readmeCommands(): string[] {
  const lines: string[] = [];
  for (const [, block] of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = block!.replace(/\\\n\s*/g, '');
    for (const line of joined.split('\n')) {
      const command = line.replace(/\s{2,}#.*$/, '').trim();
      if (command && !command.startsWith('npm ')) lines.push(command);
    }
  }
  for (const [, inline] of README.matchAll(/`(npx weft [^`]+)`/g)) {
    if (!inline!.includes('<') && !inline!.includes('…')) lines.push(inline!);
  }
  return lines;
}

describe('the README', () => {
  let server: WeftProcess;
  let port: number;
  let dataDir: string;
  let token: string;

  before(async () => {
    port = await freePort();
    dataDir = tempDir();
    server = spawnWeft(['serve'], {
      WEFT_DATA_DIR: dataDir,
      PORT: String(port),
      WEFT_RATE_LIMIT_TOKEN: '0',
      WEFT_RATE_LIMIT_WORKSPACE: '0',
    });
    const [, printed] = await server.waitFor(/API token: (weft_\S+)/);
    token = printed!;
    await server.waitFor(/Server listening/);
  });
  after(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  test('shows commands, and each one runs as shown', async () => {
    const commands = readmeCommands();
    assert.ok(commands.filter((c) => c.startsWith('curl')).length >= 5, 'the curl lines were found');
    assert.ok(commands.filter((c) => c.startsWith('npx weft')).length >= 5, 'the CLI lines were found');
    const weft = `${process.execPath} ${WEFT_BIN}`;
    for (const command of commands) {
      const line = command.replaceAll('localhost:3000', `localhost:${port}`).replace(/^npx weft/, weft);
      const { stdout } = await run('bash', ['-c', line], {
        env: { ...process.env, TOKEN: token, WEFT_DATA_DIR: dataDir, PORT: String(port) },
      }).catch((error: { stderr?: string; code?: number }) => {
        assert.fail(`${command}\nexited ${error.code}: ${error.stderr}`);
      });
      if (!command.startsWith('curl')) continue;
      const answer = JSON.parse(stdout);
      assert.equal(answer.error, undefined, `${command}\n${stdout}`);
      for (const result of Array.isArray(answer) ? answer : [answer]) {
        if (result && typeof result === 'object' && 'success' in result) {
          assert.equal(result.success, true, `${command}\n${stdout}`);
          if (Array.isArray(result.result)) assert.ok(result.result.length > 0, `${command} returns rows`);
        }
      }
    }
  });

  test('is a guide, not a manual: under 10 KB', () => {
    assert.ok(Buffer.byteLength(README) < 10_240, `${Buffer.byteLength(README)} bytes`);
  });
});
