// Pacing against a real Weft with its rate limits on: the client keeps within them by itself.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClient } from '@weft/client';
import { startWeft } from '@weft/testing';

/** A fetch that counts the statuses it sees. */
function countingFetch() {
  const statuses: number[] = [];
  const send: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    statuses.push(response.status);
    return response;
  };
  return { send, statuses };
}

const query = { 'q/from': 'fibery/user', 'q/select': ['fibery/id'], 'q/limit': 1 } as const;

describe('@weft/client pacing against Weft', () => {
  test('a burst of 100 queries through one client meets no 429, following the limits the server states', async (t) => {
    // Faster limits than Fibery's, which the client learns from RateLimit-Policy on the first answer.
    const weft = await startWeft({ limits: { token: 40, workspace: 60 } });
    t.after(() => weft.stop());
    const { send, statuses } = countingFetch();
    const client = createClient({ url: weft.url, token: weft.token, fetch: send });
    await Promise.all(Array.from({ length: 100 }, () => client.query(query)));
    assert.equal(statuses.length, 100);
    assert.deepEqual([...new Set(statuses)], [200]);
  });

  test('two clients of one workspace share its limit: no 429 for either', async (t) => {
    const weft = await startWeft({ limits: { token: 30, workspace: 40 } });
    t.after(() => weft.stop());
    const second = await weft.client.tokens.create({ description: 'second' });
    const { send, statuses } = countingFetch();
    const clients = [weft.token, second.value].map((token) =>
      createClient({ url: weft.url, token, fetch: send }),
    );
    // One request first, so both clients know the limits before the burst.
    await Promise.all(clients.map((client) => client.query(query)));
    await Promise.all(clients.flatMap((client) => Array.from({ length: 40 }, () => client.query(query))));
    assert.deepEqual([...new Set(statuses)], [200]);
  });

  test('without pacing the same burst meets 429s (so the test above can fail)', async (t) => {
    const weft = await startWeft({ limits: { token: 40, workspace: 60 } });
    t.after(() => weft.stop());
    const { send, statuses } = countingFetch();
    const client = createClient({ url: weft.url, token: weft.token, fetch: send, pacing: false, retries: 0 });
    await Promise.allSettled(Array.from({ length: 100 }, () => client.query(query)));
    assert.ok(statuses.includes(429));
  });
});
