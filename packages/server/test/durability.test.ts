// An acknowledged write survives `kill -9` of the server: every entity whose create was answered is
// there after a restart, whole, and the writes still in flight are either whole or absent.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { listeningUrl, postCommand, spawnWeft } from './helpers/spawn-weft.ts';

for (const backend of backends) {
  describe(`kill -9 on ${backend.name}`, { skip: backend.skip }, () => {
    test('every acknowledged create is there after a restart; nothing is half-written', async (t) => {
      const place = await backend.createPlace();
      // Rate limits off: the writers send as fast as they can.
      const env = { ...place.env, PORT: '0', WEFT_RATE_LIMIT_TOKEN: '0', WEFT_RATE_LIMIT_WORKSPACE: '0' };
      const first = spawnWeft(['serve'], env);
      t.after(() => first.child.kill('SIGKILL'));
      const [, token] = await first.waitFor(/API token: (weft_\S+)/);
      const url = await listeningUrl(first);
      const command = (body: unknown) =>
        postCommand<{ success: boolean; result: Record<string, unknown> }>(url, token!, body);
      const [team] = (
        await command({
          command: 'fibery.entity/query',
          args: { query: { 'q/from': 'Cricket/Team', 'q/select': ['fibery/id'], 'q/limit': 1 } },
        })
      ).result as unknown as { 'fibery/id': string }[];

      // Writers create players (linked to a team) one after another, until the server dies.
      const acknowledged: string[] = [];
      let dead = false;
      const writer = async (w: number) => {
        for (let i = 0; !dead; i++) {
          const name = `Writer ${w} player ${i}`;
          try {
            const envelope = await command({
              command: 'fibery.entity/create',
              args: {
                type: 'Cricket/Player',
                entity: { 'Cricket/Name': name, 'Cricket/Shirt Number': i, 'Cricket/Current Team': team },
              },
            });
            assert.equal(envelope.success, true, JSON.stringify(envelope));
            acknowledged.push(name);
          } catch (error) {
            if (!dead) throw error;
            return;
          }
        }
      };
      let finished = 0;
      const writers = Array.from({ length: 8 }, (_, w) => writer(w).finally(() => finished++));
      while (acknowledged.length < 100 && finished === 0)
        await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(finished, 0, 'the writers were still writing when the server was killed');
      first.child.kill('SIGKILL');
      dead = true;
      await first.exited;
      await Promise.all(writers);

      const second = spawnWeft(['serve'], env);
      t.after(() => second.child.kill('SIGKILL'));
      const url2 = await listeningUrl(second);
      try {
        const { result: rows } = await postCommand<{
          result: { name: string; number: number; team: string }[];
        }>(url2, token!, {
          command: 'fibery.entity/query',
          args: {
            query: {
              'q/from': 'Cricket/Player',
              'q/select': {
                name: 'Cricket/Name',
                number: 'Cricket/Shirt Number',
                team: ['Cricket/Current Team', 'fibery/id'],
              },
              'q/where': ['q/starts-with-ignoring-case?', ['Cricket/Name'], '$prefix'],
              'q/limit': 'q/no-limit',
            },
            params: { $prefix: 'Writer ' },
          },
        });
        const stored = new Set(rows.map((row) => row.name));
        const lost = acknowledged.filter((name) => !stored.has(name));
        assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged creates were lost`);
        for (const row of rows) {
          // Whole: its fields and its link were written with it.
          assert.equal(row.number, Number(row.name.split(' ').pop()), row.name);
          assert.equal(row.team, team!['fibery/id'], row.name);
        }
        assert.ok(rows.length >= acknowledged.length);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    });
  });
}
