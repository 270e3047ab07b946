/**
 * A bench's server in its own process on a fresh SQLite folder, rate limits off (the benches measure
 * one thing at a time): resolves with the JSON line the script prints first, and a way to stop it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export async function startBenchServer<Info>(
  script: string,
  /** More of the server's environment. */
  env: Record<string, string> = {},
): Promise<{ info: Info; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  const server = spawn(process.execPath, [new URL(script, import.meta.url).pathname], {
    env: {
      ...process.env,
      WEFT_DATA_DIR: dataDir,
      WEFT_RATE_LIMIT_TOKEN: '0',
      WEFT_RATE_LIMIT_WORKSPACE: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.on('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const first = await createInterface({ input: server.stdout! })[Symbol.asyncIterator]().next();
    return { info: JSON.parse(first.value as string) as Info, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
