/**
 * Authenticated-request throughput against the same route without authentication, side by side:
 * alternating rounds of autocannon against a Weft server in its own process, medians reported.
 * Target: ratio ≥ 0.85.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 16;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function load(url: string, headers: Record<string, string>) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

export async function runAuthBench() {
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  const server = spawn(process.execPath, [new URL('./auth-server.ts', import.meta.url).pathname], {
    env: { ...process.env, WEFT_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = await createInterface({ input: server.stdout! })
      [Symbol.asyncIterator]()
      .next()
      .then((r) => [r.value as string]);
    const { url, token } = JSON.parse(line!);
    const open = `${url}/bench/open`;
    const authed = `${url}/bench/authed`;
    await load(open, {}); // warm-up
    await load(authed, { authorization: `Token ${token}` });
    const rounds: { open: number; authed: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate the order, so neither side always runs on a warmer or cooler machine.
      const first = i % 2 === 0 ? 'open' : 'authed';
      const result: Record<string, number> = {};
      for (const side of first === 'open' ? ['open', 'authed'] : ['authed', 'open']) {
        result[side] = await load(
          side === 'open' ? open : authed,
          side === 'open' ? {} : { authorization: `Token ${token}` },
        );
      }
      rounds.push({ open: result.open!, authed: result.authed! });
      console.log(
        `  round ${i + 1}: without auth ${result.open!.toFixed(0)} req/s, with token ${result.authed!.toFixed(0)} req/s, ratio ${(result.authed! / result.open!).toFixed(3)}`,
      );
    }
    const ratios = rounds.map((r) => r.authed / r.open);
    const ratio = median(ratios);
    console.log(
      `auth: median throughput without auth ${median(rounds.map((r) => r.open)).toFixed(0)} req/s, ` +
        `with token ${median(rounds.map((r) => r.authed)).toFixed(0)} req/s; median ratio ${ratio.toFixed(3)} (target ≥ 0.85) ${ratio >= 0.85 ? 'MET' : 'NOT MET'}`,
    );
    return { ratio };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.on('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
