// Queries built to make the database do unbounded work over self-relations, as real workspaces have
// them ("Parent"): refused before any SQL when past the bounds, and within the bounds ended in
// seconds with the database's memory given back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { commandClient } from './helpers/commands.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

const ITEMS = 1000;
const TIME_LIMIT_MS = 5000;

const field = (holder: string, name: string, type: string, meta: Record<string, unknown> = {}) => ({
  command: 'schema.field/create',
  args: { 'fibery/holder-type': holder, 'fibery/name': name, 'fibery/type': type, 'fibery/meta': meta },
});

/** A path of `length` steps through the two to-one self-relations, chosen by the bits of `n`. */
const path = (n: number, length: number, end = 'Bomb/Name') => [
  ...Array.from({ length }, (_, i) => ((n >> i) & 1 ? 'Bomb/Mentor' : 'Bomb/Parent')),
  end,
];

/** Private memory (RssAnon) of this database's client backends, in MB, where /proc can be read. */
function backendMemoryMb(pids: number[]): number[] {
  return pids.flatMap((pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/RssAnon:\s+(\d+) kB/.exec(status)?.[1]);
      return Number.isFinite(kb) ? [kb / 1024] : [];
    } catch {
      return [];
    }
  });
}

for (const backend of backends) {
  describe(`query bombs on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let token = '';
    const { run, ok } = commandClient(
      () => t.app,
      () => token,
    );
    const query = (q: Record<string, unknown>, params: Record<string, unknown> = {}) =>
      run({ command: 'fibery.entity/query', args: { query: { 'q/from': 'Bomb/Item', ...q }, params } });

    before(async () => {
      t = await startTestApp(backend, { config: { commandTimeLimitMs: TIME_LIMIT_MS } });
      await t.accounts.createWorkspace({ slug: 'demo' });
      const { user } = await t.accounts.createUser({
        workspace: 'demo',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        password: 'long-password',
      });
      token = (await t.tokens.createToken(user)).value;
      await ok({
        command: 'fibery.schema/batch',
        args: {
          commands: [
            {
              command: 'schema.type/create',
              args: {
                'fibery/name': 'Bomb/Item',
                'fibery/fields': [{ 'fibery/name': 'Bomb/Name', 'fibery/type': 'fibery/text' }],
              },
            },
            field('Bomb/Item', 'Bomb/Parent', 'Bomb/Item', { 'fibery/relation': 'r-parent' }),
            field('Bomb/Item', 'Bomb/Children', 'Bomb/Item', {
              'fibery/relation': 'r-parent',
              'fibery/collection?': true,
            }),
            field('Bomb/Item', 'Bomb/Mentor', 'Bomb/Item'),
          ],
        },
      });
      // A binary tree of parents, and a mentor for each but the first.
      const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      await ok({
        command: 'fibery.entity.batch/create',
        args: {
          type: 'Bomb/Item',
          entities: Array.from({ length: ITEMS }, (_, i) => ({
            'fibery/id': id(i),
            'Bomb/Name': `item ${i} ${'abcdefghij'.repeat(3)}`,
            ...(i > 0
              ? {
                  'Bomb/Parent': { 'fibery/id': id((i - 1) >> 1) },
                  'Bomb/Mentor': { 'fibery/id': id(i - 1) },
                }
              : {}),
          })),
        },
      });
    });
    after(() => t?.close());

    test('a query joining the self-relations thousands of ways is refused at once, before any SQL', async () => {
      // 300 paths of 10 steps each, no two alike: thousands of joins, about 37 KB of JSON.
      const select = Object.fromEntries(
        Array.from({ length: 300 }, (_, n) => [`p${n}`, path(n * 3 + 1, 10)]),
      );
      assert.ok(JSON.stringify(select).length > 30_000);
      const envelope = await query({ 'q/select': select, 'q/limit': 10 });
      assert.equal(envelope.success, false);
      assert.equal(envelope.result.name, 'entity.error/query-too-large');
      assert.equal(envelope.result.data.limit, 'joins');
    });

    test('the heaviest query within every bound ends within its time limit and leaves no memory held', async () => {
      // 40 joins (chains of 16 parents, 16 mentors, and a parent's mentors), 32 conditions through the
      // collection and 141 others over them, 16 order terms and 500 selected values.
      const prefixes = [
        ...Array.from({ length: 16 }, (_, n) => Array(n + 1).fill('Bomb/Parent')),
        ...Array.from({ length: 16 }, (_, n) => Array(n + 1).fill('Bomb/Mentor')),
        ...Array.from({ length: 8 }, (_, n) => ['Bomb/Parent', ...Array(n + 1).fill('Bomb/Mentor')]),
      ];
      const joined = (n: number) => [...prefixes[n % prefixes.length]!, 'Bomb/Name'];
      const select = Object.fromEntries(Array.from({ length: 500 }, (_, n) => [`v${n}`, joined(n)]));
      const through = Array.from({ length: 32 }, () => [
        'q/contains',
        ['Bomb/Children', 'Bomb/Name'],
        '$text',
      ]);
      const plain = Array.from({ length: 141 }, (_, n) => ['q/contains', joined(n), '$text']);
      const where = [
        'q/and',
        ['q/or', ...through, ...plain.slice(0, 60)],
        ['q/or', ...plain.slice(60, 140)],
        plain[140],
      ];
      const started = performance.now();
      const envelope = await query(
        {
          'q/select': select,
          'q/where': where,
          'q/order-by': Array.from({ length: 16 }, (_, n) => [joined(n * 2), n % 2 ? 'q/asc' : 'q/desc']),
          'q/limit': 'q/no-limit',
        },
        { $text: 'e' },
      );
      const elapsed = performance.now() - started;
      assert.ok(
        envelope.success || envelope.result.name === 'command.error/time-limit',
        JSON.stringify(envelope).slice(0, 300),
      );
      assert.ok(elapsed < TIME_LIMIT_MS + 5000, `ended after ${Math.round(elapsed)} ms`);
      if (backend.name === 'postgres') {
        const pids = (
          await t.storage.queryRows(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'",
            [],
          )
        ).map((row) => Number(row.pid));
        for (const mb of backendMemoryMb(pids)) assert.ok(mb < 200, `a backend holds ${Math.round(mb)} MB`);
      }
    });
  });
}
