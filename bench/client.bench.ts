// @weft/client, side by side with what it stands in for:
// - the cost of a query through the SDK against a bare fetch of the same request, limits off
//   (target ≥ 0.95 of bare throughput), alternating rounds, 16 callers;
// - a burst of 100 queries through one client against the ideal the server's limits allow
//   (30 a second per token: the 100th may go at the start of the fourth window, 3 s), target ≤ 1.1×,
//   and its 429s (target 0);
// - startWeft (@weft/testing) to its first answered request, target < 300 ms.
import { createClient } from '@weft/client';
import { startWeft } from '@weft/testing';
import { startBenchServer } from './bench-server.ts';
import { median } from './median.ts';

const ROUNDS = 7;
const QUERY = {
  'q/from': 'fibery/user',
  'q/select': ['fibery/id', 'user/name'],
  'q/where': ['=', ['fibery/id'], '$my-id'],
} as const;

/** The embedded Weft in its own process, with per-token and per-workspace limits ("30,70"). */
async function server(limits: string) {
  const { info, stop } = await startBenchServer<{ url: string; token: string }>('./client-server.ts', {
    BENCH_LIMITS: limits,
  });
  return { ...info, stop };
}

/** Requests per second of `callers` callers doing `each` calls of `call`. */
async function throughput(callers: number, each: number, call: () => Promise<unknown>) {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let i = 0; i < each; i++) await call();
    }),
  );
  return (callers * each) / ((performance.now() - started) / 1000);
}

async function sdkAgainstFetch() {
  const weft = await server('0,0');
  try {
    const client = createClient({ url: weft.url, token: weft.token, pacing: false });
    // What a caller writes with fetch alone: the body made for each request, the answer parsed.
    const bare = async () => {
      const response = await fetch(`${weft.url}/api/commands`, {
        method: 'POST',
        headers: { authorization: `Token ${weft.token}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ command: 'fibery.entity/query', args: { query: QUERY } }]),
      });
      const [envelope] = (await response.json()) as { success: boolean }[];
      if (!envelope?.success) throw new Error('query failed');
    };
    const sdk = () => client.query(QUERY);
    // Warm both sides, and the server, before measuring.
    for (let i = 0; i < 3; i++) {
      await throughput(16, 100, bare);
      await throughput(16, 100, sdk);
    }
    const ratios: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const [first, second] = i % 2 === 0 ? [bare, sdk] : [sdk, bare];
      const a = await throughput(16, 300, first);
      const b = await throughput(16, 300, second);
      const [bareRate, sdkRate] = i % 2 === 0 ? [a, b] : [b, a];
      ratios.push(sdkRate / bareRate);
      console.log(
        `  round ${i + 1}: bare fetch ${bareRate.toFixed(0)} req/s, SDK ${sdkRate.toFixed(0)} req/s, ratio ${(sdkRate / bareRate).toFixed(3)}`,
      );
    }
    const ratio = median(ratios);
    console.log(
      `client (SDK / bare fetch, limits off): median ratio ${ratio.toFixed(3)} (target ≥ 0.95) ${ratio >= 0.95 ? 'MET' : 'NOT MET'}`,
    );
  } finally {
    await weft.stop();
  }
}

async function burst() {
  const weft = await server('30,70');
  try {
    // A sliding log of 30 a second lets request i go at floor(i / 30) s: the last at 3 s.
    const ideal = (Math.ceil(100 / 30) - 1) * 1000;
    const ratios: number[] = [];
    for (let i = 0; i < 3; i++) {
      const statuses: number[] = [];
      const counting: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        statuses.push(response.status);
        return response;
      };
      // A fresh token each round, so no round starts inside the last one's window.
      const setup = createClient({ url: weft.url, token: weft.token });
      const { id, value } = await setup.tokens.create({ description: `burst ${i}` });
      const client = createClient({ url: weft.url, token: value, fetch: counting });
      const started = performance.now();
      await Promise.all(Array.from({ length: 100 }, () => client.query(QUERY)));
      const ms = performance.now() - started;
      await setup.tokens.delete(id);
      ratios.push(ms / ideal);
      console.log(
        `  round ${i + 1}: ${ms.toFixed(0)} ms against the ideal ${ideal.toFixed(0)} ms (${(ms / ideal).toFixed(3)}×), ${statuses.filter((s) => s === 429).length} × 429`,
      );
    }
    const ratio = median(ratios);
    console.log(
      `client burst (100 queries, 30/s per token): median ${ratio.toFixed(3)}× the ideal (target ≤ 1.1) ${ratio <= 1.1 ? 'MET' : 'NOT MET'}`,
    );
  } finally {
    await weft.stop();
  }
}

async function startToAnswer() {
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    const weft = await startWeft({ limits: { token: 0, workspace: 0 } });
    await weft.client.query(QUERY);
    times.push(performance.now() - started);
    await weft.stop();
  }
  const ms = median(times);
  console.log(
    `startWeft to first answer: median ${ms.toFixed(0)} ms of 10 (first ${times[0]!.toFixed(0)} ms, with module loading) (target < 300 ms) ${ms < 300 ? 'MET' : 'NOT MET'}`,
  );
}

export async function runClientBench() {
  console.log('A query through the SDK against a bare fetch, 16 callers, server in its own process:');
  await sdkAgainstFetch();
  console.log('A burst of 100 queries through one client, server limits 30 and 70 a second:');
  await burst();
  await startToAnswer();
}
