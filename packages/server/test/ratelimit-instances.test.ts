// Three Weft processes sharing one Redis and one database, with the default tolerance of 100 ms: one
// token's requests spread over all three are admitted never more than 3 in any 900 ms (4 in any
// second); five tokens of one workspace never more than 7 (8). Admissions are read from the servers'
// debug logs, on Redis's clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { userCreate, weftInProcess } from './helpers/cli.ts';
import { redisSkip, TEST_REDIS_URL } from './helpers/redis.ts';
import { listeningUrl, spawnWeft, type WeftProcess } from './helpers/spawn-weft.ts';

const place = backends.find((b) => b.name === 'postgres' && !b.skip) ?? backends[0]!;

/** Admission times (µs, Redis's clock) in the debug logs of `processes` since `from` characters. */
function admitted(processes: WeftProcess[], from: number[]): number[] {
  const times: number[] = [];
  for (const [i, proc] of processes.entries()) {
    for (const line of proc.stdout().slice(from[i]).split('\n')) {
      if (!line.includes('"rate limit decision"')) continue;
      const { rateLimit } = JSON.parse(line) as { rateLimit: { admitted: boolean; atUs: number } };
      if (rateLimit.admitted) times.push(rateLimit.atUs);
    }
  }
  return times.sort((a, b) => a - b);
}

/** The most admissions in any interval of `spanUs`. */
function maxInAny(times: number[], spanUs: number): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= spanUs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** `clients` loops sending GET /api/tokens round-robin over `urls` with `tokens`, for `ms`. */
async function flood(urls: string[], tokens: string[], clients: number, ms: number) {
  const until = Date.now() + ms;
  let sent = 0;
  const statuses = new Map<number, number>();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (Date.now() < until) {
        const n = sent++;
        const response = await fetch(`${urls[n % urls.length]}/api/tokens`, {
          headers: { authorization: `Token ${tokens[c % tokens.length]}` },
        });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

describe('rate limits across 3 instances sharing Redis', { skip: redisSkip }, () => {
  test(`one token: never more than 3 in any 900 ms; five tokens: never more than 7 (${place.name})`, async (t) => {
    const where = await place.createPlace();
    const env = { ...where.env, PORT: '0', REDIS_URL: TEST_REDIS_URL!, WEFT_LOG_LEVEL: 'debug' };
    const first = spawnWeft(['serve'], env);
    t.after(() => first.child.kill('SIGKILL'));
    const [, token] = await first.waitFor(/API token: (weft_\S+)/);
    const others = [spawnWeft(['serve'], env), spawnWeft(['serve'], env)];
    for (const other of others) t.after(() => other.child.kill('SIGKILL'));
    const processes = [first, ...others];
    const urls = await Promise.all(processes.map((proc) => listeningUrl(proc)));

    // A warm-up burst, then a pause longer than the window, so the measured burst starts on servers
    // that answer at full speed and on an empty log.
    await flood(urls, [token!], 50, 500);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // One token, 200 concurrent clients over the 3 instances, for 2.5 s.
    let from = processes.map((proc) => proc.stdout().length);
    const statuses = await flood(urls, [token!], 200, 2500);
    assert.ok((statuses.get(429) ?? 0) > 100, `mostly refused: ${JSON.stringify([...statuses])}`);
    const times = admitted(processes, from);
    // The default tolerance of 100 ms: never more than 3 in any 900 ms, so never more than 4 in any
    // second; and as demand never stops, the limit is used to the full: 3 every 900 ms.
    assert.equal(maxInAny(times, 900_000), 3, 'never more than 3 in any 900 ms');
    assert.ok(maxInAny(times, 1_000_000) <= 4, 'never more than 4 in any second');
    const inTwoSeconds = times.filter((time) => time < times[0]! + 2_000_000).length;
    assert.ok(inTwoSeconds >= 6 && inTwoSeconds <= 8, `${inTwoSeconds} admitted in the first 2 s`);

    // Five tokens of one workspace (two users: at most 3 tokens each).
    const cli = async (args: string[]) => {
      const result = await weftInProcess([...args, '--json'], where.env);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout);
    };
    const tokens: string[] = [];
    for (const email of ['one@example.com', 'two@example.com']) {
      await cli(userCreate('demo', email, email, 'member'));
      for (let i = 0; i < (email.startsWith('one') ? 3 : 2); i++)
        tokens.push((await cli(['token', 'create', '--workspace', 'demo', '--email', email])).value);
    }
    await new Promise((resolve) => setTimeout(resolve, 1100));
    from = processes.map((proc) => proc.stdout().length);
    await flood(urls, tokens, 200, 2500);
    const all = admitted(processes, from);
    assert.equal(maxInAny(all, 900_000), 7, 'never more than 7 in any 900 ms for the workspace');
    assert.ok(maxInAny(all, 1_000_000) <= 8, 'never more than 8 in any second');
  });
});
