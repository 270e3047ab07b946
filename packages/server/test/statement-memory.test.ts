// One token sending queries of ever new shapes: q/in lists of every length, and conditions and
// selects of every width. Each shape was a prepared statement kept by SQLite's statement cache,
// which counted statements, not bytes: an observer's token took a server from 134 MB to 1.3 GB in
// 15 s. Now the server's memory stays within a bound.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { listeningUrl, postCommand, spawnWeft } from './helpers/spawn-weft.ts';

/** Resident memory of a process, in MB (Linux). */
const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** At most this much more than after warming up, whatever the shapes. */
const GROWTH_BOUND_MB = 120;

describe('statement memory on SQLite', () => {
  test(`a token sending 400 queries of distinct shapes grows the server by less than ${GROWTH_BOUND_MB} MB`, async (t) => {
    const place = await backends[0]!.createPlace();
    // Rate limits off so that the shapes of many minutes arrive in seconds.
    const server = spawnWeft(['serve'], {
      ...place.env,
      PORT: '0',
      WEFT_RATE_LIMIT_TOKEN: '0',
      WEFT_RATE_LIMIT_WORKSPACE: '0',
      WEFT_BODY_LIMIT: String(4 * 1024 * 1024),
    });
    t.after(async () => {
      server.child.kill('SIGKILL');
      await server.exited;
      await place.drop();
    });
    const [, token] = await server.waitFor(/API token: (weft_\S+)/);
    const url = await listeningUrl(server);
    const query = (q: Record<string, unknown>, params: Record<string, unknown>) =>
      postCommand<{ success: boolean; result: unknown }>(url, token!, {
        command: 'fibery.entity/query',
        args: { query: { 'q/from': 'Cricket/Player', ...q }, params },
      });
    const inList = (length: number) =>
      query(
        {
          'q/select': ['Cricket/Name'],
          'q/where': ['q/in', ['fibery/public-id'], '$ids'],
        },
        { $ids: Array.from({ length }, (_, i) => String(i + 1)) },
      );
    const wide = (width: number, columns: number) =>
      query(
        {
          'q/select': Object.fromEntries(
            Array.from({ length: columns }, (_, i) => [`c${i}`, ['Cricket/Name']]),
          ),
          'q/where': [
            'q/or',
            ...Array.from({ length: width }, () => ['q/contains', ['Cricket/Name'], '$text']),
          ],
        },
        { $text: 'a' },
      );
    // Warm up: the statements every server prepares, and the heap's working size.
    for (let i = 0; i < 20; i++) assert.equal((await inList(10 + i)).success, true);
    const before = rssMb(server.child.pid!);
    for (let i = 0; i < 200; i++) {
      assert.equal((await inList(9_800 + i)).success, true);
      assert.equal((await wide(1 + (i % 100), 300 + i)).success, true);
    }
    const grown = rssMb(server.child.pid!) - before;
    assert.ok(grown < GROWTH_BOUND_MB, `grew by ${Math.round(grown)} MB (from ${Math.round(before)} MB)`);
  });
});
