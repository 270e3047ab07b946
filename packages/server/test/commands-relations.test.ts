import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SqlValue } from '../src/storage/index.ts';
import { backends } from './helpers/backends.ts';
import { commandClient } from './helpers/commands.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

/** Fibery's Cricket space with its relations, created as clients do (reference §3.8). */
const SCHEMA = [
  {
    command: 'schema.type/create',
    args: {
      'fibery/name': 'Cricket/Player',
      'fibery/meta': { 'fibery/domain?': true },
      'fibery/fields': [
        { 'fibery/name': 'Cricket/Name', 'fibery/type': 'fibery/text', 'fibery/meta': { 'ui/title?': true } },
        { 'fibery/name': 'Cricket/Runs', 'fibery/type': 'fibery/int' },
      ],
    },
  },
  {
    command: 'schema.type/create',
    args: {
      'fibery/name': 'Cricket/Team',
      'fibery/meta': { 'fibery/domain?': true },
      'fibery/fields': [
        { 'fibery/name': 'Cricket/Name', 'fibery/type': 'fibery/text', 'fibery/meta': { 'ui/title?': true } },
      ],
    },
  },
  // One team has many current players (the collection side first, as some clients send it).
  {
    command: 'schema.field/create',
    args: {
      'fibery/holder-type': 'Cricket/Team',
      'fibery/name': 'Cricket/Players',
      'fibery/type': 'Cricket/Player',
      'fibery/meta': { 'fibery/collection?': true, 'fibery/relation': 'rel-current' },
    },
  },
  {
    command: 'schema.field/create',
    args: {
      'fibery/holder-type': 'Cricket/Player',
      'fibery/name': 'Cricket/Current Team',
      'fibery/type': 'Cricket/Team',
      'fibery/meta': { 'fibery/relation': 'rel-current' },
    },
  },
  // Many to many.
  {
    command: 'schema.field/create',
    args: {
      'fibery/holder-type': 'Cricket/Player',
      'fibery/name': 'Cricket/Former Teams',
      'fibery/type': 'Cricket/Team',
      'fibery/meta': { 'fibery/collection?': true, 'fibery/relation': 'rel-former' },
    },
  },
  {
    command: 'schema.field/create',
    args: {
      'fibery/holder-type': 'Cricket/Team',
      'fibery/name': 'Cricket/Former Players',
      'fibery/type': 'Cricket/Player',
      'fibery/meta': { 'fibery/collection?': true, 'fibery/relation': 'rel-former' },
    },
  },
  // One to one.
  {
    command: 'schema.field/create',
    args: {
      'fibery/holder-type': 'Cricket/Team',
      'fibery/name': 'Cricket/Captain',
      'fibery/type': 'Cricket/Player',
      'fibery/meta': { 'fibery/relation': 'rel-captain' },
    },
  },
  {
    command: 'schema.field/create',
    args: {
      'fibery/holder-type': 'Cricket/Player',
      'fibery/name': 'Cricket/Captain Of',
      'fibery/type': 'Cricket/Team',
      'fibery/meta': { 'fibery/relation': 'rel-captain' },
    },
  },
  // A single-select and a multi-select.
  {
    command: 'schema.enum/create',
    args: {
      'fibery/name': 'Cricket/Batting Hand_Cricket/Player',
      'fibery/meta': { 'fibery/type-component?': true },
    },
  },
  {
    command: 'schema.field/create',
    args: {
      'fibery/holder-type': 'Cricket/Player',
      'fibery/name': 'Cricket/Batting Hand',
      'fibery/type': 'Cricket/Batting Hand_Cricket/Player',
      'fibery/meta': { 'fibery/type-component?': true },
    },
  },
  {
    command: 'schema.enum/create',
    args: {
      'fibery/name': 'Cricket/Skills_Cricket/Player',
      'fibery/meta': { 'fibery/type-component?': true },
    },
  },
  {
    command: 'schema.field/create',
    args: {
      'fibery/holder-type': 'Cricket/Player',
      'fibery/name': 'Cricket/Skills',
      'fibery/type': 'Cricket/Skills_Cricket/Player',
      'fibery/meta': { 'fibery/collection?': true },
    },
  },
];

const ID = {
  lara: '00000000-0000-4000-8000-000000000001',
  ambrose: '00000000-0000-4000-8000-000000000002',
  perry: '00000000-0000-4000-8000-000000000003',
  westIndies: '00000000-0000-4000-8000-0000000000a1',
  australia: '00000000-0000-4000-8000-0000000000a2',
  india: '00000000-0000-4000-8000-0000000000a3',
  right: '00000000-0000-4000-8000-0000000000b1',
  left: '00000000-0000-4000-8000-0000000000b2',
  bowling: '00000000-0000-4000-8000-0000000000c1',
  batting: '00000000-0000-4000-8000-0000000000c2',
  missing: '00000000-0000-4000-8000-00000000dead',
};

for (const backend of backends) {
  describe(`relations, enums and collections on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let token = '';
    let observer = '';
    const { run, ok, fails } = commandClient(
      () => t.app,
      (as) => as ?? token,
    );
    const query = (q: Record<string, unknown>, params?: Record<string, unknown>) =>
      ok({ command: 'fibery.entity/query', args: { query: { 'q/limit': 100, ...q }, params } });
    const create = (type: string, entity: Record<string, unknown>) =>
      ok({ command: 'fibery.entity/create', args: { type, entity } });
    const schema = (...commands: unknown[]) => ok({ command: 'fibery.schema/batch', args: { commands } });

    /**
     * The collection links the add-collection-items test leaves (Lara and Ambrose formerly of India,
     * Ambrose bowling and batting), for the tests that read them: adding a link twice is ignored, so
     * each test may run alone or after that one.
     */
    const formerLinks = async () => {
      await ok({
        command: 'fibery.entity/add-collection-items',
        args: {
          type: 'Cricket/Team',
          field: 'Cricket/Former Players',
          entity: { [ID.india]: [ID.ambrose, ID.lara] },
        },
      });
      await ok({
        command: 'fibery.entity/add-collection-items',
        args: {
          type: 'Cricket/Player',
          field: 'Cricket/Skills',
          entity: { [ID.ambrose]: [ID.bowling, ID.batting] },
        },
      });
    };

    before(async () => {
      t = await startTestApp(backend);
      await t.accounts.createWorkspace({ slug: 'demo' });
      for (const [email, role] of [
        ['admin@example.com', 'admin'],
        ['observer@example.com', 'observer'],
      ] as const) {
        const { user } = await t.accounts.createUser({
          workspace: 'demo',
          email,
          name: role,
          role,
          password: 'long-password',
        });
        const value = (await t.tokens.createToken(user)).value;
        if (role === 'admin') token = value;
        else observer = value;
      }
      await schema(...SCHEMA);
      for (const [id, name] of [
        [ID.right, 'Right'],
        [ID.left, 'Left'],
      ])
        await create('Cricket/Batting Hand_Cricket/Player', { 'fibery/id': id, 'enum/name': name });
      for (const [id, name] of [
        [ID.bowling, 'Bowling'],
        [ID.batting, 'Batting'],
      ])
        await create('Cricket/Skills_Cricket/Player', { 'fibery/id': id, 'enum/name': name });
      for (const [id, name] of [
        [ID.westIndies, 'West Indies'],
        [ID.australia, 'Australia'],
        [ID.india, 'India'],
      ])
        await create('Cricket/Team', { 'fibery/id': id, 'Cricket/Name': name });
      await create('Cricket/Player', {
        'fibery/id': ID.lara,
        'Cricket/Name': 'Brian Lara',
        'Cricket/Runs': 11953,
        'Cricket/Current Team': { 'fibery/id': ID.westIndies },
        'Cricket/Batting Hand': { 'fibery/id': ID.left },
      });
      await create('Cricket/Player', {
        'fibery/id': ID.ambrose,
        'Cricket/Name': 'Curtly Ambrose',
        'Cricket/Runs': 1439,
        'Cricket/Current Team': { 'fibery/id': ID.westIndies },
        // An enum value by its name, as Fibery's MCP sends it.
        'Cricket/Batting Hand': 'Left',
      });
      await create('Cricket/Player', {
        'fibery/id': ID.perry,
        'Cricket/Name': 'Ellyse Perry',
        'Cricket/Runs': 3000,
        'Cricket/Current Team': { 'fibery/id': ID.australia },
        'Cricket/Batting Hand': { 'fibery/id': ID.right },
      });
    });
    after(() => t?.close());

    test('the schema shows relation fields with their type, collection flag and shared relation id', async () => {
      const described = await ok({ command: 'fibery.schema/query' });
      const team = described['fibery/types'].find(
        (type: { 'fibery/name': string }) => type['fibery/name'] === 'Cricket/Team',
      );
      const players = team['fibery/fields'].find(
        (field: { 'fibery/name': string }) => field['fibery/name'] === 'Cricket/Players',
      );
      assert.equal(players['fibery/type'], 'Cricket/Player');
      assert.equal(players['fibery/meta']['fibery/collection?'], true);
      assert.equal(players['fibery/meta']['fibery/relation'], 'rel-current');
      const hand = described['fibery/types'].find(
        (type: { 'fibery/name': string }) => type['fibery/name'] === 'Cricket/Batting Hand_Cricket/Player',
      );
      assert.equal(hand['fibery/meta']['fibery/enum?'], true);
      assert.ok(
        hand['fibery/fields'].some((f: { 'fibery/name': string }) => f['fibery/name'] === 'enum/name'),
      );
    });

    // PostgreSQL has no WITHOUT ROWID: its tables are heaps with a primary-key index.
    if (backend.name === 'sqlite')
      test('on SQLite, entity and join tables are clustered by their key, so id order costs no index walk', async () => {
        const tables = (await t.storage.queryRows(
          "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND (name LIKE 'e\\_%' ESCAPE '\\' OR name LIKE 'j\\_%' ESCAPE '\\')",
          [],
        )) as { name: string; sql: string }[];
        assert.ok(
          tables.some((table) => table.name.startsWith('j_')),
          'a join table exists',
        );
        for (const table of tables) assert.match(table.sql, /WITHOUT ROWID$/, table.name);
      });

    /** The statements `work` sends through the commands' storage, with what it resolves. */
    async function recordStatements<T>(work: () => Promise<T>) {
      const statements: { sql: string; params: readonly SqlValue[] }[] = [];
      const scoped = t.storage.scoped;
      t.storage.scoped = (scope) => {
        const storage = scoped.call(t.storage, scope);
        const queryRows = storage.queryRows;
        storage.queryRows = (sql, params) => {
          statements.push({ sql, params });
          return queryRows.call(storage, sql, params);
        };
        return storage;
      };
      try {
        return { result: await work(), statements };
      } finally {
        t.storage.scoped = scoped;
      }
    }

    /** The plans of the statements a query issues, on PostgreSQL, with sequential scans priced out. */
    const plansOf = async (q: Record<string, unknown>, params?: Record<string, unknown>) => {
      const { statements } = await recordStatements(() => query(q, params));
      const plans = [];
      for (const { sql, params: values } of statements) {
        const rows = await t.storage.transaction(async (tx) => {
          await tx.queryRows('SET LOCAL enable_seqscan = off', []);
          return tx.queryRows(`EXPLAIN ${sql}`, values);
        });
        plans.push(`${sql}\n${rows.map((row) => row['QUERY PLAN']).join('\n')}`);
      }
      return plans;
    };

    // Text equality on PostgreSQL must leave the column bare: `(id COLLATE "C") = $1` gives the same
    // answer, but no index serves it, so every lookup scanned the table.
    if (backend.name === 'postgres')
      test('on PostgreSQL, lookups by id, by relation and by q/in are served by indexes', async () => {
        const from = { 'q/from': 'Cricket/Player', 'q/select': ['Cricket/Name'] };
        const plans = [
          ...(await plansOf({ ...from, 'q/where': ['=', ['fibery/id'], '$id'] }, { $id: ID.perry })),
          ...(await plansOf(
            { ...from, 'q/where': ['=', ['Cricket/Current Team', 'fibery/id'], '$team'] },
            { $team: ID.australia },
          )),
          ...(await plansOf(
            { ...from, 'q/where': ['q/in', ['fibery/id'], '$ids'] },
            { $ids: [ID.perry, ID.lara] },
          )),
        ];
        assert.equal(plans.length, 3);
        // With sequential scans priced out, a plan still holding one has no index to use.
        for (const plan of plans) assert.doesNotMatch(plan, /Seq Scan/, plan);
      });

    if (backend.name === 'postgres')
      test('on PostgreSQL, a page in the default order (creation date, then id bytewise) and a page by id are read from indexes, not sorted', async () => {
        const plan = async (order?: unknown) =>
          (
            await plansOf({
              'q/from': 'Cricket/Player',
              'q/select': ['Cricket/Name'],
              'q/limit': 2,
              ...(order ? { 'q/order-by': order } : {}),
            })
          ).join('\n');
        const byId = [[['fibery/id'], 'q/asc']];
        assert.doesNotMatch(await plan(), /Sort/);
        assert.doesNotMatch(await plan(byId), /Sort/);
        // Tables made before the indexes existed get them from migrations 006 and 008.
        const [table] = (await t.storage.queryRows(
          "SELECT table_name FROM schema_types WHERE name = 'Cricket/Player'",
          [],
        )) as [{ table_name: string }];
        await t.storage.runStatement(`DROP INDEX ${table.table_name}_id_c`, []);
        await t.storage.runStatement(`DROP INDEX ${table.table_name}_created`, []);
        assert.match(await plan(), /Sort/, 'without the index the page is sorted');
        assert.match(await plan(byId), /Sort/, 'without the index the page is sorted');
        await t.storage.runStatement(
          "DELETE FROM weft_migrations WHERE id IN ('006-id-order-index', '008-creation-order-index')",
          [],
        );
        assert.deepEqual(await t.storage.migrate(), ['006-id-order-index', '008-creation-order-index']);
        assert.doesNotMatch(await plan(), /Sort/);
        assert.doesNotMatch(await plan(byId), /Sort/);
      });

    test('paths through to-one relations and enums, in select, where and order-by', async () => {
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Player',
            'q/select': {
              name: 'Cricket/Name',
              team: ['Cricket/Current Team', 'Cricket/Name'],
              hand: ['Cricket/Batting Hand', 'enum/name'],
            },
            'q/where': ['=', ['Cricket/Current Team', 'Cricket/Name'], '$team'],
            'q/order-by': [
              [['Cricket/Batting Hand', 'enum/name'], 'q/asc'],
              [['Cricket/Name'], 'q/desc'],
            ],
          },
          { $team: 'West Indies' },
        ),
        [
          { name: 'Curtly Ambrose', team: 'West Indies', hand: 'Left' },
          { name: 'Brian Lara', team: 'West Indies', hand: 'Left' },
        ],
      );
      // The vector form's nested object, and n8n's nested map without q/from.
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Player',
            'q/select': [
              'Cricket/Name',
              { 'Cricket/Current Team': ['fibery/id', 'Cricket/Name'] },
              { 'Cricket/Captain Of': ['Cricket/Name'] },
            ],
            'q/where': ['=', ['fibery/id'], '$id'],
          },
          { $id: ID.perry },
        ),
        [
          {
            'Cricket/Name': 'Ellyse Perry',
            'Cricket/Current Team': { 'fibery/id': ID.australia, 'Cricket/Name': 'Australia' },
            'Cricket/Captain Of': null,
          },
        ],
      );
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Player',
            'q/select': {
              Team: {
                id: ['Cricket/Current Team', 'fibery/id'],
                name: ['Cricket/Current Team', 'Cricket/Name'],
              },
            },
            'q/where': ['=', ['Cricket/Current Team', 'fibery/id'], '$id'],
          },
          { $id: ID.australia },
        ),
        [{ Team: { id: ID.australia, name: 'Australia' } }],
      );
      // A relation to nothing: the path reads null, and "is empty" finds it (n8n's shape).
      const teamless = await create('Cricket/Player', { 'Cricket/Name': 'Free Agent' });
      assert.deepEqual(teamless['Cricket/Current Team'], null);
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Player',
            'q/select': ['Cricket/Name'],
            'q/where': ['=', ['Cricket/Current Team', 'fibery/id'], '$none'],
          },
          { $none: null },
        ),
        [{ 'Cricket/Name': 'Free Agent' }],
      );
      await ok({
        command: 'fibery.entity/delete',
        args: { type: 'Cricket/Player', entity: { 'fibery/id': teamless['fibery/id'] } },
      });
    });

    test('add-collection-items and remove-collection-items take both argument shapes', async () => {
      // The documented shape: {"<entity id>": [item ids]}.
      assert.equal(
        await ok({
          command: 'fibery.entity/add-collection-items',
          args: {
            type: 'Cricket/Player',
            field: 'Cricket/Former Teams',
            entity: { [ID.lara]: [ID.australia, ID.india] },
          },
        }),
        'ok',
      );
      // The shape most clients send; adding an item twice is ignored.
      await ok({
        command: 'fibery.entity/add-collection-items',
        args: {
          type: 'Cricket/Team',
          field: 'Cricket/Former Players',
          entity: { 'fibery/id': ID.india },
          items: [{ 'fibery/id': ID.ambrose }, { 'fibery/id': ID.lara }],
        },
      });
      await ok({
        command: 'fibery.entity/add-collection-items',
        args: {
          type: 'Cricket/Player',
          field: 'Cricket/Skills',
          entity: { 'fibery/id': ID.ambrose },
          items: [{ 'fibery/id': ID.bowling }, { 'fibery/id': ID.batting }],
        },
      });
      const former = (id: string) =>
        query(
          {
            'q/from': 'Cricket/Player',
            'q/select': {
              teams: {
                'q/from': 'Cricket/Former Teams',
                'q/select': { name: 'Cricket/Name' },
                'q/order-by': [[['Cricket/Name'], 'q/asc']],
                'q/limit': 10,
              },
            },
            'q/where': ['=', ['fibery/id'], '$id'],
          },
          { $id: id },
        );
      assert.deepEqual(await former(ID.lara), [{ teams: [{ name: 'Australia' }, { name: 'India' }] }]);
      assert.deepEqual(await former(ID.ambrose), [{ teams: [{ name: 'India' }] }]);
      // Removing an absent item is ignored; removing through the other side works on the same links.
      await ok({
        command: 'fibery.entity/remove-collection-items',
        args: {
          type: 'Cricket/Team',
          field: 'Cricket/Former Players',
          entity: { [ID.australia]: [ID.lara, ID.perry] },
        },
      });
      assert.deepEqual(await former(ID.lara), [{ teams: [{ name: 'India' }] }]);
      // Adding to a one-to-many collection moves the item from its previous holder.
      await ok({
        command: 'fibery.entity/add-collection-items',
        args: { type: 'Cricket/Team', field: 'Cricket/Players', entity: { [ID.india]: [ID.perry] } },
      });
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Player',
            'q/select': { team: ['Cricket/Current Team', 'Cricket/Name'] },
            'q/where': ['=', ['fibery/id'], '$id'],
          },
          { $id: ID.perry },
        ),
        [{ team: 'India' }],
      );
      await ok({
        command: 'fibery.entity/remove-collection-items',
        args: { type: 'Cricket/Team', field: 'Cricket/Players', entity: { [ID.india]: [ID.perry] } },
      });
      await ok({
        command: 'fibery.entity/update',
        args: {
          type: 'Cricket/Player',
          entity: { 'fibery/id': ID.perry, 'Cricket/Current Team': { 'fibery/id': ID.australia } },
        },
      });
    });

    test('collection sub-queries with their own where, order and limit, counts and aggregates per row', async () => {
      await formerLinks();
      const { result: teams, statements } = await recordStatements(() =>
        query({
          'q/from': 'Cricket/Team',
          'q/select': [
            'Cricket/Name',
            {
              'Cricket/Players': {
                'q/select': [
                  'Cricket/Name',
                  {
                    'Cricket/Skills': { 'q/select': ['enum/name'], 'q/order-by': [[['enum/name'], 'q/asc']] },
                  },
                ],
                'q/order-by': [[['Cricket/Runs'], 'q/desc']],
                'q/limit': 1,
              },
            },
            {
              players: ['q/count', ['Cricket/Players', 'fibery/id']],
              runs: ['q/sum', ['Cricket/Players', 'Cricket/Runs']],
              best: ['q/max', ['Cricket/Players', 'Cricket/Runs']],
            },
          ],
          'q/order-by': [[['Cricket/Name'], 'q/asc']],
        }),
      );
      // One statement for the teams, one per sub-query level: not one per team.
      assert.equal(statements.length, 3, statements.map(({ sql }) => sql).join('\n'));
      assert.deepEqual(teams, [
        {
          'Cricket/Name': 'Australia',
          'Cricket/Players': [{ 'Cricket/Name': 'Ellyse Perry', 'Cricket/Skills': [] }],
          players: 1,
          runs: 3000,
          best: 3000,
        },
        { 'Cricket/Name': 'India', 'Cricket/Players': [], players: 0, runs: 0, best: null },
        {
          'Cricket/Name': 'West Indies',
          'Cricket/Players': [{ 'Cricket/Name': 'Brian Lara', 'Cricket/Skills': [] }],
          players: 2,
          runs: 11953 + 1439,
          best: 11953,
        },
      ]);
      // A sub-query's own q/where.
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Team',
            'q/select': {
              name: 'Cricket/Name',
              bowlers: {
                'q/from': ['Cricket/Players'],
                'q/select': { name: ['Cricket/Name'] },
                'q/where': ['q/in', ['Cricket/Skills', 'enum/name'], '$skills'],
                'q/limit': 'q/no-limit',
              },
            },
            'q/where': ['=', ['Cricket/Name'], '$team'],
          },
          { $team: 'West Indies', $skills: ['Bowling'] },
        ),
        [{ name: 'West Indies', bowlers: [{ name: 'Curtly Ambrose' }] }],
      );
    });

    test('conditions through collections: q/in on ids (as Fibery documents), negation, emptiness, aggregates', async () => {
      await formerLinks();
      const names = async (where: unknown[], params: Record<string, unknown>) =>
        (
          await query(
            {
              'q/from': 'Cricket/Team',
              'q/select': ['Cricket/Name'],
              'q/where': where,
              'q/order-by': [[['Cricket/Name'], 'q/asc']],
            },
            params,
          )
        ).map((row: Record<string, string>) => row['Cricket/Name']);
      assert.deepEqual(
        await names(['q/in', ['Cricket/Former Players', 'fibery/id'], '$player-ids'], {
          '$player-ids': [ID.ambrose],
        }),
        ['India'],
      );
      assert.deepEqual(
        await names(['q/not-in', ['Cricket/Players', 'fibery/id'], '$ids'], { $ids: [ID.lara] }),
        ['Australia', 'India'],
      );
      assert.deepEqual(
        await names(['=', ['q/null-or-empty?', ['Cricket/Players']], '$empty'], { $empty: true }),
        ['India'],
      );
      assert.deepEqual(
        await names(['q/contains', ['Cricket/Players', 'Cricket/Name'], '$part'], { $part: 'Perry' }),
        ['Australia'],
      );
      // The n8n node's "does not contain" is q/does_not_contain.
      assert.deepEqual(
        await names(['q/does_not_contain', ['Cricket/Players', 'Cricket/Name'], '$part'], { $part: 'Perry' }),
        ['India', 'West Indies'],
      );
      assert.deepEqual(
        await names(['!=', ['Cricket/Players', 'Cricket/Name'], '$name'], { $name: 'Brian Lara' }),
        ['Australia', 'India'],
      );
      // Aggregates of the collection compared in q/where: the n8n node's "is empty" and "is not
      // empty" filters, and other comparisons.
      const count = ['q/count', ['Cricket/Players', 'fibery/id']];
      assert.deepEqual(await names(['=', count, '$n'], { $n: 0 }), ['India']);
      assert.deepEqual(await names(['>', count, '$n'], { $n: 0 }), ['Australia', 'West Indies']);
      assert.deepEqual(await names(['>=', count, '$n'], { $n: 2 }), ['West Indies']);
      assert.deepEqual(await names(['!=', count, '$n'], { $n: 1 }), ['India', 'West Indies']);
      assert.deepEqual(
        await names(['>', ['q/sum', ['Cricket/Players', 'Cricket/Runs']], '$runs'], { $runs: 5000 }),
        ['West Indies'],
      );
      assert.deepEqual(
        await names(['=', ['q/max', ['Cricket/Players', 'Cricket/Name']], '$name'], {
          $name: 'Curtly Ambrose',
        }),
        ['West Indies'],
      );
      for (const [where, params, name] of [
        [['=', count, '$n'], { $n: 'none' }, 'entity.error/invalid-parameter'],
        [['=', count, '$n'], { $n: 1.5 }, 'entity.error/invalid-parameter'],
        [['=', ['q/count', ['Cricket/Name']], '$n'], { $n: 1 }, 'entity.error/invalid-query'],
        [
          ['=', ['q/sum', ['Cricket/Players', 'Cricket/Name']], '$n'],
          { $n: 1 },
          'entity.error/invalid-aggregate',
        ],
      ] as const)
        assert.equal(
          (
            await run({
              command: 'fibery.entity/query',
              args: {
                query: { 'q/from': 'Cricket/Team', 'q/select': ['Cricket/Name'], 'q/where': where },
                params,
              },
            })
          ).result.name,
          name,
          JSON.stringify(where),
        );
    });

    test('top-level aggregates: count, sum, avg, min, max', async () => {
      assert.deepEqual(
        await query({
          'q/from': 'Cricket/Player',
          'q/select': {
            n: ['q/count', 'fibery/id'],
            total: ['q/sum', ['Cricket/Runs']],
            mean: ['q/avg', 'Cricket/Runs'],
            least: ['q/min', ['Cricket/Runs']],
            first: ['q/min', ['Cricket/Name']],
          },
          'q/limit': 1,
        }),
        [
          {
            n: 3,
            total: 11953 + 1439 + 3000,
            mean: (11953 + 1439 + 3000) / 3,
            least: 1439,
            first: 'Brian Lara',
          },
        ],
      );
      assert.equal(
        await fails({
          command: 'fibery.entity/query',
          args: {
            query: {
              'q/from': 'Cricket/Player',
              'q/select': { n: ['q/count', 'fibery/id'], name: 'Cricket/Name' },
            },
          },
        }),
        'entity.error/invalid-query',
      );
    });

    test('one-to-one: setting either side moves the link; the previous partner lets go', async () => {
      await ok({
        command: 'fibery.entity/update',
        args: {
          type: 'Cricket/Team',
          entity: { 'fibery/id': ID.westIndies, 'Cricket/Captain': { 'fibery/id': ID.lara } },
        },
      });
      await ok({
        command: 'fibery.entity/update',
        args: {
          type: 'Cricket/Player',
          entity: { 'fibery/id': ID.ambrose, 'Cricket/Captain Of': { 'fibery/id': ID.westIndies } },
        },
      });
      const captains = await query({
        'q/from': 'Cricket/Player',
        'q/select': { name: 'Cricket/Name', of: ['Cricket/Captain Of', 'Cricket/Name'] },
        'q/order-by': [[['Cricket/Name'], 'q/asc']],
      });
      assert.deepEqual(captains, [
        { name: 'Brian Lara', of: null },
        { name: 'Curtly Ambrose', of: 'West Indies' },
        { name: 'Ellyse Perry', of: null },
      ]);
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Team',
            'q/select': { c: ['Cricket/Captain', 'Cricket/Name'] },
            'q/where': ['=', ['fibery/id'], '$id'],
          },
          { $id: ID.westIndies },
        ),
        [{ c: 'Curtly Ambrose' }],
      );
    });

    test('bad relation input gets a stable name and changes nothing', async () => {
      const before = await query({ 'q/from': 'Cricket/Player', 'q/select': { n: ['q/count', 'fibery/id'] } });
      const cases: [unknown, string][] = [
        // Found by the property test: a name whose toString is not a function.
        [
          { command: 'fibery.entity/create', args: { type: { toString: 0 }, entity: {} } },
          'entity.error/schema-type-not-found',
        ],
        [
          {
            command: 'fibery.schema/batch',
            args: {
              commands: [
                { command: 'schema.field/delete', args: { 'holder-type': { toString: 0 }, name: 'x' } },
              ],
            },
          },
          'entity.error/schema-type-not-found',
        ],
        [
          {
            command: 'fibery.schema/batch',
            args: {
              commands: [
                {
                  command: 'schema.type/rename',
                  args: { 'from-name': 'Cricket/Batting Hand_Cricket/Player', 'to-name': { toString: 0 } },
                },
              ],
            },
          },
          'schema.error/invalid-name',
        ],
        [
          {
            command: 'fibery.entity/create',
            args: { type: 'Cricket/Player', entity: { 'Cricket/Current Team': { 'fibery/id': ID.missing } } },
          },
          'entity.error/related-entity-not-found',
        ],
        [
          {
            command: 'fibery.entity/create',
            args: { type: 'Cricket/Player', entity: { 'Cricket/Batting Hand': 'Ambidextrous' } },
          },
          'entity.error/related-entity-not-found',
        ],
        [
          {
            command: 'fibery.entity/create',
            args: { type: 'Cricket/Player', entity: { 'Cricket/Current Team': ID.westIndies } },
          },
          'entity.error/invalid-value',
        ],
        [
          {
            command: 'fibery.entity/create',
            args: { type: 'Cricket/Player', entity: { 'Cricket/Former Teams': [{ 'fibery/id': ID.india }] } },
          },
          'entity.error/collection-not-settable',
        ],
        [
          {
            command: 'fibery.entity/add-collection-items',
            args: { type: 'Cricket/Player', field: 'Cricket/Name', entity: { [ID.lara]: [ID.india] } },
          },
          'entity.error/not-a-collection',
        ],
        [
          {
            command: 'fibery.entity/add-collection-items',
            args: {
              type: 'Cricket/Player',
              field: 'Cricket/Former Teams',
              entity: { [ID.lara]: [ID.missing] },
            },
          },
          'entity.error/related-entity-not-found',
        ],
        [
          {
            command: 'fibery.entity/add-collection-items',
            args: {
              type: 'Cricket/Player',
              field: 'Cricket/Former Teams',
              entity: { [ID.missing]: [ID.india] },
            },
          },
          'entity.error/entity-not-found',
        ],
        [
          {
            command: 'fibery.entity/add-collection-items',
            args: {
              type: 'Cricket/Player',
              field: 'Cricket/Former Teams',
              entity: { 'fibery/id': ID.lara },
              items: 'x',
            },
          },
          'entity.error/invalid-query',
        ],
        [
          {
            command: 'fibery.entity/query',
            args: { query: { 'q/from': 'Cricket/Player', 'q/select': ['Cricket/Current Team'] } },
          },
          'entity.error/invalid-query',
        ],
        [
          {
            command: 'fibery.entity/query',
            args: {
              query: { 'q/from': 'Cricket/Player', 'q/select': [['Cricket/Former Teams', 'Cricket/Name']] },
            },
          },
          'entity.error/invalid-query',
        ],
        [
          {
            command: 'fibery.entity/query',
            args: {
              query: {
                'q/from': 'Cricket/Player',
                'q/select': { x: ['Cricket/Current Team', 'x"; DROP TABLE accounts; --'] },
              },
            },
          },
          'entity.error/schema-field-not-found',
        ],
        [
          {
            command: 'fibery.entity/query',
            args: {
              query: { 'q/from': 'Cricket/Player', 'q/select': { x: ['Cricket/Name', 'Cricket/Name'] } },
            },
          },
          'entity.error/invalid-query',
        ],
      ];
      for (const [body, name] of cases) assert.equal(await fails(body), name, JSON.stringify(body));
      assert.deepEqual(
        await query({ 'q/from': 'Cricket/Player', 'q/select': { n: ['q/count', 'fibery/id'] } }),
        before,
      );
    });

    test('a batch that links and then fails leaves no link behind', async () => {
      const before = await query({ 'q/from': 'Cricket/Player', 'q/select': { n: ['q/count', 'fibery/id'] } });
      assert.equal(
        await fails({
          command: 'fibery.command/batch',
          args: {
            commands: [
              {
                command: 'fibery.entity/add-collection-items',
                args: {
                  type: 'Cricket/Player',
                  field: 'Cricket/Former Teams',
                  entity: { [ID.perry]: [ID.india] },
                },
              },
              {
                command: 'fibery.entity/create',
                args: {
                  type: 'Cricket/Player',
                  entity: { 'Cricket/Current Team': { 'fibery/id': ID.missing } },
                },
              },
            ],
          },
        }),
        'entity.error/related-entity-not-found',
      );
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Player',
            'q/select': { n: ['q/count', ['Cricket/Former Teams', 'fibery/id']] },
            'q/where': ['=', ['fibery/id'], '$id'],
          },
          { $id: ID.perry },
        ),
        [{ n: 0 }],
      );
      assert.deepEqual(
        await query({ 'q/from': 'Cricket/Player', 'q/select': { n: ['q/count', 'fibery/id'] } }),
        before,
      );
    });

    test('an observer may not add collection items', async () => {
      assert.equal(
        (
          await run(
            {
              command: 'fibery.entity/add-collection-items',
              args: {
                type: 'Cricket/Player',
                field: 'Cricket/Former Teams',
                entity: { [ID.lara]: [ID.india] },
              },
            },
            observer,
          )
        ).result.name,
        'command.error/forbidden',
      );
    });

    test('upsert: skip-create and update-latest, with duplicates inside the batch', async () => {
      const upsert = (action: string, entities: unknown[]) =>
        ok({
          command: 'fibery.entity.batch/create-or-update',
          args: {
            type: 'Cricket/Team',
            'conflict-field': 'Cricket/Name',
            'conflict-action': action,
            entities,
          },
        });
      const skipped = await upsert('skip-create', [
        { 'Cricket/Name': 'India' },
        { 'Cricket/Name': 'England' },
        { 'Cricket/Name': 'England' },
      ]);
      assert.deepEqual(
        skipped.map((r: { action: string }) => r.action),
        ['skip-create', 'create', 'prefer-duplicate-found-in-the-batch'],
      );
      assert.equal(skipped[0].duplicate['fibery/id'], ID.india);
      assert.equal(skipped[1].created['Cricket/Name'], 'England');
      const updated = await upsert('update-latest', [
        { 'Cricket/Name': 'England', 'fibery/id': ID.missing },
        { 'Cricket/Name': 'Pakistan' },
        { 'Cricket/Name': 'England' },
      ]);
      assert.deepEqual(
        updated.map((r: { action: string }) => r.action),
        ['prefer-duplicate-found-in-the-batch', 'create', 'update-latest'],
      );
      assert.equal(updated[2].updated['fibery/id'], skipped[1].created['fibery/id'], 'the id is not copied');
      const england = await query(
        {
          'q/from': 'Cricket/Team',
          'q/select': { n: ['q/count', 'fibery/id'] },
          'q/where': ['=', ['Cricket/Name'], '$n'],
        },
        { $n: 'England' },
      );
      assert.deepEqual(england, [{ n: 1 }]);
      for (const [args, name] of [
        [
          { 'conflict-field': 'Cricket/Players', 'conflict-action': 'skip-create' },
          'entity.error/invalid-conflict-field',
        ],
        [{ 'conflict-field': 'Cricket/Name', 'conflict-action': 'replace' }, 'entity.error/invalid-query'],
      ] as const) {
        assert.equal(
          await fails({
            command: 'fibery.entity.batch/create-or-update',
            args: { type: 'Cricket/Team', entities: [{}], ...args },
          }),
          name,
        );
      }
    });

    test('deleting an entity clears every link to it', async () => {
      const team = await create('Cricket/Team', { 'Cricket/Name': 'Short Lived' });
      const player = await create('Cricket/Player', {
        'Cricket/Name': 'Journeyman',
        'Cricket/Current Team': { 'fibery/id': team['fibery/id'] },
      });
      await ok({
        command: 'fibery.entity/add-collection-items',
        args: {
          type: 'Cricket/Player',
          field: 'Cricket/Former Teams',
          entity: { [player['fibery/id']]: [team['fibery/id']] },
        },
      });
      await ok({
        command: 'fibery.entity/delete',
        args: { type: 'Cricket/Team', entity: { 'fibery/id': team['fibery/id'] } },
      });
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Player',
            'q/select': {
              team: ['Cricket/Current Team', 'fibery/id'],
              former: ['q/count', ['Cricket/Former Teams', 'fibery/id']],
            },
            'q/where': ['=', ['fibery/id'], '$id'],
          },
          { $id: player['fibery/id'] },
        ),
        [{ team: null, former: 0 }],
      );
      await ok({
        command: 'fibery.entity/delete',
        args: { type: 'Cricket/Player', entity: { 'fibery/id': player['fibery/id'] } },
      });
    });

    test('mixins: rank, workflow (states by name or id), assignees; unknown mixins are refused', async () => {
      await schema({
        command: 'schema.type/create',
        args: {
          'fibery/name': 'Cricket/Match',
          'fibery/fields': [
            {
              'fibery/name': 'Cricket/Name',
              'fibery/type': 'fibery/text',
              'fibery/meta': { 'ui/title?': true },
            },
          ],
        },
      });
      const first = await create('Cricket/Match', { 'Cricket/Name': 'Before' });
      assert.equal(
        await ok({
          command: 'fibery.app/install-mixins',
          args: {
            types: {
              'Cricket/Match': ['fibery/rank-mixin', 'workflow/workflow', 'assignments/assignments-mixin'],
            },
          },
        }),
        'ok',
      );
      const second = await create('Cricket/Match', { 'Cricket/Name': 'After', 'workflow/state': 'Done' });
      const [me] = await query({
        'q/from': 'fibery/user',
        'q/select': ['fibery/id'],
        'q/where': ['=', ['fibery/id'], '$my-id'],
      });
      await ok({
        command: 'fibery.entity/add-collection-items',
        args: {
          type: 'Cricket/Match',
          field: 'assignments/assignees',
          entity: { 'fibery/id': second['fibery/id'] },
          items: [{ 'fibery/id': me['fibery/id'] }],
        },
      });
      assert.deepEqual(
        await query({
          'q/from': 'Cricket/Match',
          'q/select': {
            name: 'Cricket/Name',
            state: ['workflow/state', 'enum/name'],
            final: ['workflow/state', 'workflow/Final'],
            assignees: { 'q/from': 'assignments/assignees', 'q/select': { name: 'user/name' } },
          },
          'q/order-by': [[['fibery/rank'], 'q/asc']],
        }),
        [
          { name: 'Before', state: 'Open', final: false, assignees: [] },
          { name: 'After', state: 'Done', final: true, assignees: [{ name: 'admin' }] },
        ],
      );
      assert.ok(second['fibery/rank'] > first['fibery/rank'] || first['fibery/rank'] === undefined);
      // MCP's filter on unfinished states.
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Match',
            'q/select': ['Cricket/Name'],
            'q/where': ['!=', ['workflow/state', 'workflow/Final'], '$final'],
          },
          { $final: true },
        ),
        [{ 'Cricket/Name': 'Before' }],
      );
      // Installing again changes nothing; an unknown mixin is refused and nothing of the command applies.
      await ok({
        command: 'fibery.app/install-mixins',
        args: { types: { 'Cricket/Match': ['fibery/rank-mixin'] } },
      });
      assert.equal(
        await fails({
          command: 'fibery.app/install-mixins',
          args: { types: { 'Cricket/Player': ['fibery/rank-mixin', 'Files/Files-mixin'] } },
        }),
        'schema.error/unsupported-mixin',
      );
      assert.equal(
        await fails({
          command: 'fibery.entity/query',
          args: { query: { 'q/from': 'Cricket/Player', 'q/select': ['fibery/rank'] } },
        }),
        'entity.error/schema-field-not-found',
      );
    });

    test('schema renames, meta, and deletes keep data and refuse to break other databases', async () => {
      await schema(
        {
          command: 'schema.field/rename',
          args: {
            'holder-type': 'Cricket/Player',
            'from-name': 'Cricket/Runs',
            'to-name': 'Cricket/Test Runs',
          },
        },
        { command: 'schema.type/rename', args: { 'from-name': 'Cricket/Team', 'to-name': 'Cricket/Side' } },
        {
          command: 'schema.field/set-meta',
          args: {
            'holder-type': 'Cricket/Player',
            name: 'Cricket/Test Runs',
            key: 'ui/number-unit',
            value: 'runs',
          },
        },
      );
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Player',
            'q/select': { runs: 'Cricket/Test Runs', side: ['Cricket/Current Team', 'Cricket/Name'] },
            'q/where': ['=', ['fibery/id'], '$id'],
          },
          { $id: ID.lara },
        ),
        [{ runs: 11953, side: 'West Indies' }],
      );
      assert.equal(
        await fails({
          command: 'fibery.schema/batch',
          args: { commands: [{ command: 'schema.type/delete', args: { name: 'Cricket/Side' } }] },
        }),
        'schema.error/type-in-use',
      );
      assert.equal(
        await fails({
          command: 'fibery.schema/batch',
          args: {
            commands: [
              {
                command: 'schema.type/delete',
                args: { name: 'Cricket/Side', 'delete-related-fields?': true },
              },
            ],
          },
        }),
        'schema.error/type-has-entities',
      );
      assert.equal(
        await fails({
          command: 'fibery.schema/batch',
          args: {
            commands: [
              {
                command: 'schema.field/set-meta',
                args: {
                  'holder-type': 'Cricket/Player',
                  name: 'Cricket/Current Team',
                  key: 'fibery/collection?',
                  value: true,
                },
              },
            ],
          },
        }),
        'schema.error/invalid-command',
      );
      // Deleting the side that holds the column keeps the other side and its links.
      await schema({
        command: 'schema.field/delete',
        args: { 'holder-type': 'Cricket/Player', name: 'Cricket/Current Team' },
      });
      assert.deepEqual(
        await query(
          {
            'q/from': 'Cricket/Side',
            'q/select': {
              name: 'Cricket/Name',
              players: {
                'q/from': 'Cricket/Players',
                'q/select': ['Cricket/Name'],
                'q/order-by': [[['Cricket/Name'], 'q/asc']],
              },
            },
            'q/where': ['=', ['fibery/id'], '$id'],
          },
          { $id: ID.westIndies },
        ),
        [
          {
            name: 'West Indies',
            players: [{ 'Cricket/Name': 'Brian Lara' }, { 'Cricket/Name': 'Curtly Ambrose' }],
          },
        ],
      );
      await schema({
        command: 'schema.field/delete',
        args: { 'holder-type': 'Cricket/Player', name: 'Cricket/Test Runs' },
      });
      assert.equal(
        await fails({
          command: 'fibery.entity/query',
          args: { query: { 'q/from': 'Cricket/Player', 'q/select': ['Cricket/Test Runs'] } },
        }),
        'entity.error/schema-field-not-found',
      );
      await schema({
        command: 'schema.type/delete',
        args: { name: 'Cricket/Side', 'delete-related-fields?': true, 'delete-entities?': true },
      });
      const names = (await ok({ command: 'fibery.schema/query' }))['fibery/types'].map(
        (type: { 'fibery/name': string }) => type['fibery/name'],
      );
      assert.ok(!names.includes('Cricket/Side'));
      const [lara] = await query(
        { 'q/from': 'Cricket/Player', 'q/select': ['Cricket/Name'], 'q/where': ['=', ['fibery/id'], '$id'] },
        { $id: ID.lara },
      );
      assert.deepEqual(lara, { 'Cricket/Name': 'Brian Lara' });
      assert.equal(
        await fails({
          command: 'fibery.entity/query',
          args: {
            query: { 'q/from': 'Cricket/Player', 'q/select': { x: ['Cricket/Former Teams', 'fibery/id'] } },
          },
        }),
        'entity.error/schema-field-not-found',
      );
    });
  });
}
