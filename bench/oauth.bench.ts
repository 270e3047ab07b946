/**
 * OAuth, against a Weft server in its own process (SQLite):
 * - a Bearer-authenticated `POST /api/commands` against the same request with an API token, side by
 *   side in alternating rounds of autocannon, medians reported (target ≥ 0.9);
 * - the token endpoint's throughput for code exchanges and for refreshes (each refresh rotates, so
 *   16 chains refresh one after another), from 16 concurrent clients.
 */
import autocannon from 'autocannon';
import { startBenchServer } from './bench-server.ts';
import { median } from './median.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 16;

interface Server {
  url: string;
  token: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  email: string;
  password: string;
}

const QUERY = JSON.stringify([
  {
    command: 'fibery.entity/query',
    args: {
      query: {
        'q/from': 'fibery/user',
        'q/select': ['user/email'],
        'q/where': ['=', ['fibery/id'], '$my-id'],
        'q/limit': 1,
      },
    },
  },
]);

async function load(url: string, authorization: string) {
  const result = await autocannon({
    url: `${url}/api/commands`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization, 'content-type': 'application/json' },
    body: QUERY,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/** A browser session with the provider: logs in once, then each authorization answers with a code. */
async function codeMinter(server: Server) {
  const jar = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(new URL(url, server.url), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  };
  const authorizeUrl = () =>
    `${server.url}/oauth2/auth?${new URLSearchParams({
      client_id: server.clientId,
      response_type: 'code',
      redirect_uri: server.redirectUri,
      scope: 'openid offline',
      state: 'bench',
    })}`;
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams(fields).toString(),
  });
  // Through login and consent once.
  let response = await go(authorizeUrl());
  for (let step = 0; step < 8; step++) {
    const next = new URL(response.headers.get('location')!, server.url);
    if (next.origin !== server.url) break;
    response = await go(next.href);
    if (response.status !== 200) continue;
    const html = await response.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    response = html.includes('name="password"')
      ? await go(
          `${next.pathname}/login`,
          form({ _csrf: csrf, email: server.email, password: server.password }),
        )
      : await go(`${next.pathname}/consent`, form({ _csrf: csrf, decision: 'allow' }));
  }
  return async () => {
    const answer = await go(authorizeUrl());
    const code = new URL(answer.headers.get('location')!).searchParams.get('code');
    if (!code) throw new Error(`no code: ${answer.headers.get('location')}`);
    return code;
  };
}

async function tokenRequest(server: Server, fields: Record<string, string>) {
  const response = await fetch(`${server.url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${server.clientId}:${server.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams(fields).toString(),
  });
  const body = (await response.json()) as { access_token: string; refresh_token: string; error?: string };
  if (response.status !== 200) throw new Error(`token endpoint: ${response.status} ${body.error}`);
  return body;
}

/** Runs `work` from `concurrency` loops until `count` calls are done; resolves calls per second. */
async function throughput(count: number, concurrency: number, work: (worker: number) => Promise<void>) {
  let left = count;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (left-- > 0) await work(worker);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

export async function runOAuthBench() {
  const { info, stop } = await startBenchServer<Server>('./oauth-server.ts');
  try {
    const mint = await codeMinter(info);
    const exchange = async () =>
      tokenRequest(info, {
        grant_type: 'authorization_code',
        code: await mint(),
        redirect_uri: info.redirectUri,
      });
    const { access_token } = await exchange();

    const ratio = await compareBearer(info, access_token);

    // Code exchange: codes minted ahead (they live 60 s), then redeemed by 16 concurrent clients.
    const exchanges: number[] = [];
    const refreshes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const codes: string[] = [];
      for (let j = 0; j < 200; j++) codes.push(await mint());
      exchanges.push(
        await throughput(codes.length, CONNECTIONS, async () => {
          await tokenRequest(info, {
            grant_type: 'authorization_code',
            code: codes.pop()!,
            redirect_uri: info.redirectUri,
          });
        }),
      );
      // Refresh: 16 chains, each presenting the refresh token its last refresh gave.
      const chains = await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => (await exchange()).refresh_token),
      );
      refreshes.push(
        await throughput(400, CONNECTIONS, async (worker) => {
          chains[worker] = (
            await tokenRequest(info, { grant_type: 'refresh_token', refresh_token: chains[worker]! })
          ).refresh_token;
        }),
      );
      console.log(
        `  round ${i + 1}: code exchange ${exchanges[i]!.toFixed(0)} /s, refresh ${refreshes[i]!.toFixed(0)} /s`,
      );
    }
    console.log(
      `oauth token endpoint: median code exchange ${median(exchanges).toFixed(0)} /s, refresh ${median(refreshes).toFixed(0)} /s (16 concurrent clients)`,
    );
    return { ratio, exchange: median(exchanges), refresh: median(refreshes) };
  } finally {
    await stop();
  }
}

/** Requests with a Bearer access token against the same requests with an API token. */
async function compareBearer(info: Server, access_token: string) {
  console.log('POST /api/commands ($my-id query), Bearer access token against API token:');
  const api = () => load(info.url, `Token ${info.token}`);
  const bearer = () => load(info.url, `Bearer ${access_token}`);
  await api();
  await bearer();
  const rounds: { api: number; bearer: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate the order, so neither side always runs on a warmer or cooler machine.
    let round: { api: number; bearer: number };
    if (i % 2 === 0) {
      const first = await api();
      round = { api: first, bearer: await bearer() };
    } else {
      const first = await bearer();
      round = { bearer: first, api: await api() };
    }
    rounds.push(round);
    console.log(
      `  round ${i + 1}: API token ${round.api.toFixed(0)} req/s, Bearer ${round.bearer.toFixed(0)} req/s, ratio ${(round.bearer / round.api).toFixed(3)}`,
    );
  }
  const ratio = median(rounds.map((r) => r.bearer / r.api));
  console.log(
    `oauth (Bearer / API token): median ${median(rounds.map((r) => r.bearer)).toFixed(0)} / ${median(rounds.map((r) => r.api)).toFixed(0)} req/s; median ratio ${ratio.toFixed(3)} (target ≥ 0.9) ${ratio >= 0.9 ? 'MET' : 'NOT MET'}`,
  );
  return ratio;
}
