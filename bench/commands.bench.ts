/**
 * `POST /api/commands` over 100,000 entities with relations (bench/commands-server.ts seeds them):
 * - each representative query over HTTP with a token: throughput, p50 and p99 latency;
 * - each query's compiled SQL against the same query's SQL written by hand, on the same database and
 *   driver (measured in the server process, alternating; target ≤ 1.3×);
 * - the documented example request against a bare Fastify route returning the same JSON
 *   (rounds rotating which side goes first; target ≥ 0.5), and, for reference, against the floor: a
 *   hand-written route doing only what an exact authenticated answer must (token check, the SQL);
 * - the server's peak RSS (target < 300 MB).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { type Ids, QUERIES } from './commands-queries.ts';
import { median } from './median.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 16;

async function load(url: string, body: unknown, token?: string) {
  const headers = {
    'content-type': 'application/json',
    ...(token ? { authorization: `Token ${token}` } : {}),
  };
  const result = await autocannon({
    url: `${url}/api/commands`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers,
    body: JSON.stringify(body),
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  // Wait for what autocannon left in flight, so the next measurement starts on an idle server.
  await fetch(`${url}/api/commands`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

export async function runCommandsBench() {
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  const script = new URL('./commands-server.ts', import.meta.url).pathname;
  const seeding = Date.now();
  const seeder = spawn(process.execPath, [script, 'seed'], {
    env: { ...process.env, WEFT_DATA_DIR: dataDir },
    stdio: 'inherit',
  });
  const code = await new Promise((resolve) => seeder.on('exit', resolve));
  if (code !== 0) throw new Error(`seeding failed with exit code ${code}`);
  console.log(
    `Seeded 100,000 entities (1,000 teams, 99,000 players, 99,000 links each way) in ${((Date.now() - seeding) / 1000).toFixed(1)} s.`,
  );
  const server = spawn(process.execPath, [script], {
    env: { ...process.env, WEFT_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const first = await createInterface({ input: server.stdout! })[Symbol.asyncIterator]().next();
    const { url, bareUrl, floorUrl, token, ids, sql } = JSON.parse(first.value as string) as {
      url: string;
      bareUrl: string;
      floorUrl: string;
      token: string;
      ids: Ids;
      sql: { name: string; compiledMs: number; handMs: number; ratio: number }[];
    };
    reportSql(sql);
    await reportQueries(url, token, ids);
    await compareWithBare({ url, bareUrl, floorUrl, token, ids });
    const { maxRssBytes } = (await (await fetch(`${url}/bench/rss`)).json()) as { maxRssBytes: number };
    const mb = maxRssBytes / 1024 / 1024;
    console.log(`Server peak RSS ${mb.toFixed(0)} MB (target < 300 MB) ${mb < 300 ? 'MET' : 'NOT MET'}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.on('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The compiled SQL of each query against the same query written by hand. */
function reportSql(sql: { name: string; compiledMs: number; handMs: number; ratio: number }[]) {
  console.log('Compiled SQL against the same query written by hand (median of 7 alternating rounds):');
  for (const s of sql) {
    console.log(
      `  ${s.name.padEnd(22)} compiled ${s.compiledMs.toFixed(3)} ms, by hand ${s.handMs.toFixed(3)} ms, ratio ${s.ratio.toFixed(2)} (target ≤ 1.3) ${s.ratio <= 1.3 ? 'MET' : 'NOT MET'}`,
    );
  }
}

/** Each query over HTTP with a token. */
async function reportQueries(url: string, token: string, ids: Ids) {
  console.log(`Over HTTP with a token, ${CONNECTIONS} connections, ${SECONDS} s each (median of ${ROUNDS}):`);
  for (const q of QUERIES) {
    const runs = [];
    for (let i = 0; i < ROUNDS; i++) runs.push(await load(url, q.body(ids), token));
    console.log(
      `  ${q.name.padEnd(22)} ${median(runs.map((r) => r.rps))
        .toFixed(0)
        .padStart(
          6,
        )} req/s, p50 ${median(runs.map((r) => r.p50))} ms, p99 ${median(runs.map((r) => r.p99))} ms`,
    );
  }
}

/** The documented example against a bare Fastify route and against the hand-written floor. */
async function compareWithBare({
  url,
  bareUrl,
  floorUrl,
  token,
  ids,
}: {
  url: string;
  bareUrl: string;
  floorUrl: string;
  token: string;
  ids: Ids;
}) {
  const example = QUERIES.find((q) => q.name === 'seed example')!.body(ids);
  console.log(
    'The documented example against a bare Fastify route with the same JSON, and against the floor (hand-written: token check and the SQL):',
  );
  const sides = [
    { name: 'bare', run: () => load(bareUrl, example) },
    { name: 'floor', run: () => load(floorUrl, example, token) },
    { name: 'Weft', run: () => load(url, example, token) },
  ];
  const ratios = { weft: [] as number[], floor: [] as number[], weftOfFloor: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    // Each round starts with another side, so that no side always runs first.
    const rps: Record<string, number> = {};
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length]!;
      rps[side.name] = (await side.run()).rps;
    }
    ratios.weft.push(rps.Weft! / rps.bare!);
    ratios.floor.push(rps.floor! / rps.bare!);
    ratios.weftOfFloor.push(rps.Weft! / rps.floor!);
    console.log(
      `  round ${i + 1}: bare ${rps.bare!.toFixed(0)} req/s, floor ${rps.floor!.toFixed(0)} req/s, Weft ${rps.Weft!.toFixed(0)} req/s; Weft/bare ${ratios.weft.at(-1)!.toFixed(3)}`,
    );
  }
  const ratio = median(ratios.weft);
  console.log(
    `The documented example against a bare Fastify route with the same JSON: median ratio ${ratio.toFixed(3)} (target ≥ 0.5) ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`,
  );
  console.log(
    `  for reference: the floor against the bare route ${median(ratios.floor).toFixed(3)}, Weft against the floor ${median(ratios.weftOfFloor).toFixed(3)}`,
  );
}
