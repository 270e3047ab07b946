/**
 * Authenticated-request throughput against the same route without authentication, side by side:
 * alternating rounds of autocannon against a Weft server in its own process, medians reported.
 * Two pairs: a no-op route (the strictest baseline) and `GET /api/tokens` itself. Target ≥ 0.85.
 */
import autocannon from 'autocannon';
import { startBenchServer } from './bench-server.ts';
import { median } from './median.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 16;

async function load(url: string, headers: Record<string, string>) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/** Alternating rounds of `baseline` and `measured`; prints each round and the medians. */
async function compare(name: string, baseline: () => Promise<number>, measured: () => Promise<number>) {
  await baseline(); // warm-up
  await measured();
  const rounds: { baseline: number; measured: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate the order, so neither side always runs on a warmer or cooler machine.
    const [first, second] = i % 2 === 0 ? [baseline, measured] : [measured, baseline];
    const a = await first();
    const b = await second();
    const round = i % 2 === 0 ? { baseline: a, measured: b } : { baseline: b, measured: a };
    rounds.push(round);
    console.log(
      `  round ${i + 1}: without auth ${round.baseline.toFixed(0)} req/s, with token ${round.measured.toFixed(0)} req/s, ratio ${(round.measured / round.baseline).toFixed(3)}`,
    );
  }
  const ratio = median(rounds.map((r) => r.measured / r.baseline));
  console.log(
    `${name}: median without auth ${median(rounds.map((r) => r.baseline)).toFixed(0)} req/s, ` +
      `with token ${median(rounds.map((r) => r.measured)).toFixed(0)} req/s; median ratio ${ratio.toFixed(3)} (target ≥ 0.85) ${ratio >= 0.85 ? 'MET' : 'NOT MET'}`,
  );
  return ratio;
}

export async function runAuthBench() {
  const { info, stop } = await startBenchServer<{ url: string; token: string }>('./auth-server.ts');
  try {
    const { url, token } = info;
    const withToken = { authorization: `Token ${token}` };
    console.log('No-op route, authentication being all that differs:');
    const noop = await compare(
      'auth (no-op route)',
      () => load(`${url}/bench/open`, {}),
      () => load(`${url}/bench/authed`, withToken),
    );
    console.log('GET /api/tokens against the same handler without authentication:');
    const tokens = await compare(
      'auth (GET /api/tokens)',
      () => load(`${url}/bench/tokens-open`, {}),
      () => load(`${url}/api/tokens`, withToken),
    );
    return { noop, tokens };
  } finally {
    await stop();
  }
}
