import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { commandClient } from './helpers/commands.ts';
import { createTestClock, freshWorkspace, startTestApp, type TestApp } from './helpers/test-app.ts';

const SYSTEM_FIELDS = [
  {
    'fibery/name': 'fibery/id',
    'fibery/type': 'fibery/uuid',
    'fibery/meta': { 'fibery/secured?': false, 'fibery/id?': true, 'fibery/readonly?': true },
  },
  {
    'fibery/name': 'fibery/public-id',
    'fibery/type': 'fibery/text',
    'fibery/meta': { 'fibery/public-id?': true, 'fibery/readonly?': true },
  },
  {
    'fibery/name': 'fibery/creation-date',
    'fibery/type': 'fibery/date-time',
    'fibery/meta': { 'fibery/creation-date?': true },
  },
  {
    'fibery/name': 'fibery/modification-date',
    'fibery/type': 'fibery/date-time',
    'fibery/meta': { 'fibery/modification-date?': true },
  },
];

const playerType = {
  command: 'schema.type/create',
  args: {
    'fibery/name': 'Cricket/Player',
    'fibery/meta': { 'fibery/domain?': true, 'fibery/secured?': true, 'ui/color': '#F7D130' },
    'fibery/fields': [
      ...SYSTEM_FIELDS,
      { 'fibery/name': 'Cricket/Name', 'fibery/type': 'fibery/text', 'fibery/meta': { 'ui/title?': true } },
      { 'fibery/name': 'Cricket/Born', 'fibery/type': 'fibery/date' },
      { 'fibery/name': 'Cricket/Shirt Number', 'fibery/type': 'fibery/int' },
      { 'fibery/name': 'Cricket/Height', 'fibery/type': 'fibery/decimal' },
      { 'fibery/name': 'Cricket/Retired?', 'fibery/type': 'fibery/bool' },
      { 'fibery/name': 'Cricket/Debut', 'fibery/type': 'fibery/date-time' },
      { 'fibery/name': 'Cricket/Stats', 'fibery/type': 'fibery/json-value' },
    ],
  },
};

/** Curtly Ambrose, as Fibery documents him, and Brian Lara. */
const CURTLY = 'd17390c4-98c8-11e9-a2a3-2a2ae2dbcce4';
/** Fibery's documented player, with its own id. */
const CURTLY_AMBROSE = {
  'fibery/id': CURTLY,
  'Cricket/Name': 'Curtly Ambrose',
  'Cricket/Born': '1963-09-21',
  'Cricket/Shirt Number': 1,
  'Cricket/Height': '2.01',
  'Cricket/Retired?': true,
  'Cricket/Debut': '1988-04-02T10:00:00.000Z',
  'Cricket/Stats': { wickets: 405 },
};

/** What a test starts from, when not the players' database with its two players. */
const STARTS: Record<string, 'empty' | 'schema'> = {
  'an admin creates a database with primitive fields; the schema shows it and its version moves': 'empty',
  "creates Fibery's documented player, with its own id, and reads it back with every field": 'schema',
};

/** The players' database, and (unless `schemaOnly`) its two players, as the first tests make them. */
async function seedPlayers(ok: (body: unknown, as?: string) => Promise<unknown>, schemaOnly = false) {
  await ok({ command: 'fibery.schema/batch', args: { commands: [playerType] } });
  if (schemaOnly) return;
  await ok({
    command: 'fibery.entity/create',
    args: {
      type: 'Cricket/Player',
      entity: CURTLY_AMBROSE,
    },
  });
  await ok({
    command: 'fibery.entity/create',
    args: { type: 'Cricket/Player', entity: { 'Cricket/Name': 'Brian Lara', 'Cricket/Shirt Number': 9 } },
  });
}

/** A player made by a batch, which later tests update and delete around. */
const BATCH_ONE = '0e6a1b6e-0000-4000-8000-000000000001';
const createBatchOne = (ok: (body: unknown) => Promise<unknown>) =>
  ok({
    command: 'fibery.entity/create',
    args: { type: 'Cricket/Player', entity: { 'fibery/id': BATCH_ONE, 'Cricket/Name': 'Batch One' } },
  });

/** Weft's clock in these tests: moved by hand where a test needs time to pass. */
const clock = createTestClock(Date.now());

for (const backend of backends) {
  describe(`domain databases and entity writes on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    // Each test has a workspace of its own (see beforeEach): what it needs, and nothing another made.
    let tokens: Record<string, string> = {};
    let host = '';
    const { run, ok, fails } = commandClient(
      () => t.app,
      (as = 'admin') => tokens[as]!,
      () => host,
    );
    const typeNames = async () =>
      (await ok({ command: 'fibery.schema/query' }))['fibery/types'].map(
        (type: { 'fibery/name': string }) => type['fibery/name'],
      );
    const players = (where?: unknown[], params?: Record<string, unknown>) =>
      ok({
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': 'Cricket/Player',
            'q/select': ['Cricket/Name', 'Cricket/Shirt Number'],
            ...(where ? { 'q/where': where } : {}),
            'q/order-by': [[['Cricket/Name'], 'q/asc']],
            'q/limit': 100,
          },
          ...(params ? { params } : {}),
        },
      });

    before(async () => {
      t = await startTestApp(backend, { clock });
    });
    after(() => t?.close());
    beforeEach(async (context) => {
      const fresh = await freshWorkspace(t);
      tokens = fresh.tokens;
      host = `${fresh.workspace.slug}.localhost`;
      const start = STARTS[context.name];
      if (start !== 'empty') await seedPlayers(ok, start === 'schema');
    });

    test('an admin creates a database with primitive fields; the schema shows it and its version moves', async () => {
      const before = await ok({ command: 'fibery.schema/query' });
      const etag = (
        await t.app.inject({ url: '/api/schema', headers: { host, authorization: `Token ${tokens.admin}` } })
      ).headers.etag;
      assert.equal(await ok({ command: 'fibery.schema/batch', args: { commands: [playerType] } }), 'ok');
      const after = await ok({ command: 'fibery.schema/query' });
      assert.equal(after['fibery/version'], before['fibery/version'] + 1);
      const player = after['fibery/types'].find(
        (type: { 'fibery/name': string }) => type['fibery/name'] === 'Cricket/Player',
      );
      assert.equal(player['fibery/meta']['ui/color'], '#F7D130');
      const fields = Object.fromEntries(
        player['fibery/fields'].map((f: { 'fibery/name': string; 'fibery/type': string }) => [
          f['fibery/name'],
          f['fibery/type'],
        ]),
      );
      assert.equal(fields['Cricket/Shirt Number'], 'fibery/int');
      assert.equal(fields['fibery/public-id'], 'fibery/text');
      const again = await t.app.inject({
        url: '/api/schema',
        headers: { host, authorization: `Token ${tokens.admin}`, 'if-none-match': String(etag) },
      });
      assert.equal(again.statusCode, 200, 'the ETag changed with the schema');
    });

    test("creates Fibery's documented player, with its own id, and reads it back with every field", async () => {
      const created = await ok(
        {
          command: 'fibery.entity/create',
          args: {
            type: 'Cricket/Player',
            entity: CURTLY_AMBROSE,
          },
        },
        'member',
      );
      assert.equal(created['fibery/id'], CURTLY);
      assert.equal(created['fibery/public-id'], '1');
      const [member] = await ok(
        {
          command: 'fibery.entity/query',
          args: {
            query: {
              'q/from': 'fibery/user',
              'q/select': ['fibery/id'],
              'q/where': ['=', ['fibery/id'], '$my-id'],
            },
          },
        },
        'member',
      );
      assert.deepEqual(created['fibery/created-by'], { 'fibery/id': member['fibery/id'] });
      assert.deepEqual(
        {
          ...created,
          'fibery/creation-date': undefined,
          'fibery/modification-date': undefined,
          'fibery/created-by': undefined,
        },
        {
          'fibery/id': 'd17390c4-98c8-11e9-a2a3-2a2ae2dbcce4',
          'fibery/public-id': '1',
          'fibery/creation-date': undefined,
          'fibery/modification-date': undefined,
          'fibery/created-by': undefined,
          'Cricket/Name': 'Curtly Ambrose',
          'Cricket/Born': '1963-09-21',
          'Cricket/Shirt Number': 1,
          'Cricket/Height': 2.01,
          'Cricket/Retired?': true,
          'Cricket/Debut': '1988-04-02T10:00:00.000Z',
          'Cricket/Stats': { wickets: 405 },
        },
      );
      const second = await ok({
        command: 'fibery.entity/create',
        args: { type: 'Cricket/Player', entity: { 'Cricket/Name': 'Brian Lara', 'Cricket/Shirt Number': 9 } },
      });
      assert.equal(second['fibery/public-id'], '2');
      assert.equal(second['Cricket/Born'], null);
    });

    test('queries domain fields with filters and order', async () => {
      assert.deepEqual(await players(), [
        { 'Cricket/Name': 'Brian Lara', 'Cricket/Shirt Number': 9 },
        { 'Cricket/Name': 'Curtly Ambrose', 'Cricket/Shirt Number': 1 },
      ]);
      assert.deepEqual(await players(['>', ['Cricket/Shirt Number'], '$n'], { $n: 5 }), [
        { 'Cricket/Name': 'Brian Lara', 'Cricket/Shirt Number': 9 },
      ]);
      assert.deepEqual(await players(['=', ['Cricket/Born'], '$d'], { $d: '1963-09-21' }), [
        { 'Cricket/Name': 'Curtly Ambrose', 'Cricket/Shirt Number': 1 },
      ]);
    });

    test('update changes only the given fields and the modification date', async () => {
      const id = 'd17390c4-98c8-11e9-a2a3-2a2ae2dbcce4';
      const [before] = await ok({
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': 'Cricket/Player',
            'q/select': ['fibery/creation-date', 'fibery/modification-date', 'Cricket/Born'],
            'q/where': ['=', ['fibery/id'], '$id'],
            'q/limit': 1,
          },
          params: { $id: id },
        },
      });
      clock.advance(5);
      const updated = await ok({
        command: 'fibery.entity/update',
        args: {
          type: 'Cricket/Player',
          entity: { 'fibery/id': id, 'Cricket/Shirt Number': 11, 'Cricket/Stats': null },
        },
      });
      assert.equal(updated['Cricket/Shirt Number'], 11);
      assert.equal(updated['Cricket/Stats'], null);
      assert.equal(updated['Cricket/Born'], before['Cricket/Born']);
      assert.equal(updated['fibery/creation-date'], before['fibery/creation-date']);
      assert.ok(updated['fibery/modification-date'] > before['fibery/modification-date']);
    });

    test('a field added later is stored and queried at once', async () => {
      await ok({
        command: 'fibery.schema/batch',
        args: {
          commands: [
            {
              command: 'schema.field/create',
              args: {
                'fibery/holder-type': 'Cricket/Player',
                'fibery/name': 'Cricket/Salary',
                'fibery/type': 'fibery/int',
                'fibery/meta': { 'ui/number-unit': 'USD' },
              },
            },
          ],
        },
      });
      await ok({
        command: 'fibery.entity/update',
        args: {
          type: 'Cricket/Player',
          entity: { 'fibery/id': 'd17390c4-98c8-11e9-a2a3-2a2ae2dbcce4', 'Cricket/Salary': 1000 },
        },
      });
      const rows = await ok({
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': 'Cricket/Player',
            'q/select': ['Cricket/Name', 'Cricket/Salary'],
            'q/order-by': [[['Cricket/Name'], 'q/asc']],
            'q/limit': 10,
          },
        },
      });
      assert.deepEqual(rows, [
        { 'Cricket/Name': 'Brian Lara', 'Cricket/Salary': null },
        { 'Cricket/Name': 'Curtly Ambrose', 'Cricket/Salary': 1000 },
      ]);
    });

    test('a schema batch with one failing command applies none of it', async () => {
      const before = await typeNames();
      const name = await fails({
        command: 'fibery.schema/batch',
        args: {
          commands: [
            {
              command: 'schema.type/create',
              args: {
                'fibery/name': 'Cricket/Team',
                'fibery/fields': [{ 'fibery/name': 'Cricket/Title', 'fibery/type': 'fibery/text' }],
              },
            },
            { command: 'schema.type/create', args: { 'fibery/name': 'not a name' } },
          ],
        },
      });
      assert.equal(name, 'schema.error/invalid-name');
      assert.deepEqual(await typeNames(), before);
      // The name is free again, and its table was rolled back with the rows.
      await ok({
        command: 'fibery.schema/batch',
        args: {
          commands: [
            { command: 'schema.type/create', args: { 'fibery/name': 'Cricket/Team', 'fibery/fields': [] } },
          ],
        },
      });
    });

    test('entity writes refuse bad input with a stable name and change nothing', async () => {
      const before = await players();
      const create = (entity: Record<string, unknown>, type = 'Cricket/Player') => ({
        command: 'fibery.entity/create',
        args: { type, entity },
      });
      const cases: [unknown, string][] = [
        [create({ 'user/name': 'x' }, 'fibery/user'), 'entity.error/type-read-only'],
        [create({ 'Cricket/Name': 'x' }, 'Cricket/Nope'), 'entity.error/schema-type-not-found'],
        [create({ 'Cricket/Nope': 'x' }), 'entity.error/schema-field-not-found'],
        [create({ 'Cricket/Shirt Number': 'seven' }), 'entity.error/invalid-value'],
        [create({ 'Cricket/Shirt Number': 1.5 }), 'entity.error/invalid-value'],
        [create({ 'Cricket/Born': '1963-02-30' }), 'entity.error/invalid-value'],
        [create({ 'Cricket/Retired?': 'yes' }), 'entity.error/invalid-value'],
        // PostgreSQL cannot store a NUL; both databases would store a lone surrogate as U+FFFD.
        [create({ 'Cricket/Name': 'Brian\u0000Lara' }), 'entity.error/invalid-value'],
        [create({ 'Cricket/Name': 'Brian \udc00' }), 'entity.error/invalid-value'],
        [create({ 'fibery/public-id': '99' }), 'entity.error/field-read-only'],
        [create({ 'fibery/id': 'not-a-uuid' }), 'entity.error/invalid-value'],
        [create({ 'fibery/id': 'd17390c4-98c8-11e9-a2a3-2a2ae2dbcce4' }), 'entity.error/entity-exists'],
        [
          {
            command: 'fibery.entity/update',
            args: {
              type: 'Cricket/Player',
              entity: { 'fibery/id': '00000000-0000-4000-8000-000000000000', 'Cricket/Name': 'x' },
            },
          },
          'entity.error/entity-not-found',
        ],
        [
          {
            command: 'fibery.entity/update',
            args: { type: 'Cricket/Player', entity: { 'Cricket/Name': 'x' } },
          },
          'entity.error/invalid-value',
        ],
        [
          {
            command: 'fibery.entity/delete',
            args: { type: 'Cricket/Player', entity: { 'fibery/id': '00000000-0000-4000-8000-000000000000' } },
          },
          'entity.error/entity-not-found',
        ],
        [
          { command: 'fibery.entity/create', args: { type: 'Cricket/Player', entity: 'x' } },
          'entity.error/invalid-query',
        ],
      ];
      for (const [body, name] of cases) assert.equal(await fails(body), name, JSON.stringify(body));
      assert.deepEqual(await players(), before);
    });

    test('privileges: observers read only, members write data, only admins change the schema', async () => {
      assert.equal(
        await fails(
          {
            command: 'fibery.entity/create',
            args: { type: 'Cricket/Player', entity: { 'Cricket/Name': 'x' } },
          },
          'observer',
        ),
        'command.error/forbidden',
      );
      assert.equal(
        await fails({ command: 'fibery.schema/batch', args: { commands: [playerType] } }, 'member'),
        'command.error/forbidden',
      );
      const refused = await run(
        { command: 'fibery.schema/batch', args: { commands: [playerType] } },
        'member',
      );
      assert.match(refused.result.message, /change the schema \(admins\); your role is member/);
      assert.equal(
        (
          await ok(
            {
              command: 'fibery.entity/query',
              args: { query: { 'q/from': 'Cricket/Player', 'q/select': ['Cricket/Name'], 'q/limit': 1 } },
            },
            'observer',
          )
        ).length,
        1,
      );
    });

    test('schema commands refuse bad names, duplicates and unsupported types', async () => {
      const batch = (command: string, args: Record<string, unknown>) => ({
        command: 'fibery.schema/batch',
        args: { commands: [{ command, args }] },
      });
      const cases: [unknown, string][] = [
        [batch('schema.type/create', { 'fibery/name': 'Cricket/Player' }), 'schema.error/type-exists'],
        [batch('schema.type/create', { 'fibery/name': 'fibery/thing' }), 'schema.error/invalid-name'],
        [
          batch('schema.type/create', { 'fibery/name': 'x"; DROP TABLE accounts; --' }),
          'schema.error/invalid-name',
        ],
        [batch('schema.type/create', { 'fibery/name': 'A/B/C' }), 'schema.error/invalid-name'],
        [batch('schema.type/create', { 'fibery/name': 'Cricket/Play\u200Ber' }), 'schema.error/invalid-name'],
        [batch('schema.type/create', { 'fibery/name': 'Cricket/\u2067Player' }), 'schema.error/invalid-name'],
        [
          batch('schema.type/create', {
            'fibery/name': 'Cricket/Ground',
            'fibery/fields': [{ 'fibery/name': 'Cricket/Team', 'fibery/type': 'Cricket/Nowhere' }],
          }),
          'schema.error/unsupported-field-type',
        ],
        [
          batch('schema.field/create', {
            'fibery/holder-type': 'Cricket/Player',
            'fibery/name': 'Cricket/Name',
            'fibery/type': 'fibery/text',
          }),
          'schema.error/field-exists',
        ],
        [
          // fibery/user takes fields of its own, but not one named as a built-in field.
          batch('schema.field/create', {
            'fibery/holder-type': 'fibery/user',
            'fibery/name': 'user/name',
            'fibery/type': 'fibery/text',
          }),
          'schema.error/field-exists',
        ],
        [batch('schema.type/frobnicate', {}), 'schema.error/invalid-command'],
        [{ command: 'fibery.schema/batch', args: { commands: [] } }, 'schema.error/invalid-command'],
      ];
      for (const [body, name] of cases) assert.equal(await fails(body), name, JSON.stringify(body));
    });

    test('fibery.command/batch runs its commands in order and returns one result each (as n8n reads it)', async () => {
      const [, { result: found }] = await ok({
        command: 'fibery.command/batch',
        args: {
          commands: [
            {
              command: 'fibery.entity/create',
              args: {
                type: 'Cricket/Player',
                entity: { 'fibery/id': '0e6a1b6e-0000-4000-8000-000000000001', 'Cricket/Name': 'Batch One' },
              },
            },
            {
              command: 'fibery.entity/query',
              args: {
                query: {
                  'q/from': 'Cricket/Player',
                  'q/select': ['Cricket/Name'],
                  'q/where': ['=', ['fibery/id'], '$id'],
                  'q/limit': 1,
                },
                params: { $id: '0e6a1b6e-0000-4000-8000-000000000001' },
              },
            },
          ],
        },
      });
      assert.deepEqual(
        found,
        [{ 'Cricket/Name': 'Batch One' }],
        'the query sees the create before the batch commits',
      );
    });

    test('fibery.command/batch is all or nothing: a failing command rolls back the ones before it', async () => {
      await createBatchOne(ok);
      const before = await players();
      const envelope = await run({
        command: 'fibery.command/batch',
        args: {
          commands: [
            {
              command: 'fibery.entity/create',
              args: { type: 'Cricket/Player', entity: { 'Cricket/Name': 'Never Stored' } },
            },
            {
              command: 'fibery.entity/update',
              args: {
                type: 'Cricket/Player',
                entity: { 'fibery/id': '0e6a1b6e-0000-4000-8000-000000000001', 'Cricket/Name': 'Renamed' },
              },
            },
            {
              command: 'fibery.entity/create',
              args: { type: 'Cricket/Player', entity: { 'Cricket/Shirt Number': 'not a number' } },
            },
          ],
        },
      });
      assert.equal(envelope.success, false);
      assert.equal(envelope.result.name, 'entity.error/invalid-value');
      assert.equal(envelope.result.data['command-index'], 2);
      assert.deepEqual(await players(), before);
    });

    test('a schema batch nested in a command batch applies with it, or not at all', async () => {
      await createBatchOne(ok);
      const nested = (second: unknown) => ({
        command: 'fibery.command/batch',
        args: {
          commands: [
            {
              command: 'fibery.schema/batch',
              args: {
                commands: [
                  {
                    command: 'schema.field/create',
                    args: {
                      'fibery/holder-type': 'Cricket/Player',
                      'fibery/name': 'Cricket/Nickname',
                      'fibery/type': 'fibery/text',
                    },
                  },
                ],
              },
            },
            second,
          ],
        },
      });
      const failed = await run(nested({ command: 'no.such/command' }));
      assert.equal(failed.success, false);
      const fieldNames = async () =>
        (await ok({ command: 'fibery.schema/query' }))['fibery/types']
          .find((type: { 'fibery/name': string }) => type['fibery/name'] === 'Cricket/Player')
          ['fibery/fields'].map((f: { 'fibery/name': string }) => f['fibery/name']);
      assert.ok(
        !(await fieldNames()).includes('Cricket/Nickname'),
        'the field and its column were rolled back',
      );
      await ok(
        nested({
          command: 'fibery.entity/update',
          args: {
            type: 'Cricket/Player',
            entity: { 'fibery/id': '0e6a1b6e-0000-4000-8000-000000000001', 'Cricket/Nickname': 'B1' },
          },
        }),
      );
      assert.ok((await fieldNames()).includes('Cricket/Nickname'));
    });

    test('dates accept the date-times the n8n node sends (toISOString), in values and in parameters', async () => {
      const created = await ok({
        command: 'fibery.entity/create',
        args: {
          type: 'Cricket/Player',
          entity: { 'Cricket/Name': 'Dated', 'Cricket/Born': '1969-10-02T00:00:00.000Z' },
        },
      });
      assert.equal(created['Cricket/Born'], '1969-10-02');
      const found = await ok({
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': 'Cricket/Player',
            'q/select': ['Cricket/Name'],
            'q/where': ['q/and', ['>=', ['Cricket/Born'], '$from'], ['<', ['Cricket/Born'], '$to']],
          },
          params: { $from: '1969-10-02T00:00:00.000Z', $to: '1969-10-03T23:59:00+02:00' },
        },
      });
      assert.deepEqual(found, [{ 'Cricket/Name': 'Dated' }]);
      for (const bad of ['1969-10-02T25:00:00Z', '1969-13-02T00:00:00Z', '02.10.1969'])
        assert.equal(
          (
            await run({
              command: 'fibery.entity/create',
              args: { type: 'Cricket/Player', entity: { 'Cricket/Born': bad } },
            })
          ).result.name,
          'entity.error/invalid-value',
          bad,
        );
      await ok({
        command: 'fibery.entity/delete',
        args: { type: 'Cricket/Player', entity: { 'fibery/id': created['fibery/id'] } },
      });
    });

    test('sums and averages of the largest decimals stay finite, on both databases; larger ones are refused', async () => {
      const height = async (value: unknown) =>
        run({
          command: 'fibery.entity/create',
          args: { type: 'Cricket/Player', entity: { 'Cricket/Name': 'Giant', 'Cricket/Height': value } },
        });
      const created = [await height(1e300), await height(1)];
      assert.ok(created.every((envelope) => envelope.success));
      // PostgreSQL's avg of doubles also sums squares of their spread: (1e300)² overflows there.
      const [totals] = await ok({
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': 'Cricket/Player',
            'q/select': { sum: ['q/sum', ['Cricket/Height']], avg: ['q/avg', ['Cricket/Height']] },
            'q/where': ['=', ['Cricket/Name'], '$name'],
          },
          params: { $name: 'Giant' },
        },
      });
      assert.deepEqual(totals, { sum: 1e300, avg: 5e299 });
      assert.equal((await height(1.1e300)).result.name, 'entity.error/invalid-value');
      for (const envelope of created)
        await ok({
          command: 'fibery.entity/delete',
          args: { type: 'Cricket/Player', entity: { 'fibery/id': envelope.result['fibery/id'] } },
        });
    });

    test('delete removes the entity', async () => {
      await createBatchOne(ok);
      assert.equal(
        await ok({
          command: 'fibery.entity/delete',
          args: { type: 'Cricket/Player', entity: { 'fibery/id': 'd17390c4-98c8-11e9-a2a3-2a2ae2dbcce4' } },
        }),
        'ok',
      );
      assert.deepEqual(await players(), [
        { 'Cricket/Name': 'Batch One', 'Cricket/Shirt Number': null },
        { 'Cricket/Name': 'Brian Lara', 'Cricket/Shirt Number': 9 },
      ]);
    });

    /** The Tour database, with a field of each JSON-shaped type. */
    const createTours = async () => {
      await ok({
        command: 'fibery.schema/batch',
        args: {
          commands: [
            {
              command: 'schema.type/create',
              args: {
                'fibery/name': 'Cricket/Tour',
                'fibery/fields': [
                  { 'fibery/name': 'Cricket/Name', 'fibery/type': 'fibery/text' },
                  { 'fibery/name': 'Cricket/Dates', 'fibery/type': 'fibery/date-range' },
                  { 'fibery/name': 'Cricket/Window', 'fibery/type': 'fibery/date-time-range' },
                  { 'fibery/name': 'Cricket/Ground', 'fibery/type': 'fibery/location' },
                  { 'fibery/name': 'Cricket/Color', 'fibery/type': 'fibery/color' },
                  { 'fibery/name': 'Cricket/Icon', 'fibery/type': 'fibery/emoji' },
                  { 'fibery/name': 'Cricket/Site', 'fibery/type': 'fibery/url' },
                ],
              },
            },
          ],
        },
      });
    };

    test('ranges, locations, colors, emoji and urls keep their JSON shapes', async () => {
      await createTours();
      const values = {
        'Cricket/Name': 'Ashes 2019',
        'Cricket/Dates': { start: '2019-08-01', end: '2019-09-16' },
        'Cricket/Window': { start: '2019-08-01T10:00:00.000Z', end: '2019-09-16T18:00:00.000Z' },
        'Cricket/Ground': {
          longitude: -0.1729,
          latitude: 51.5294,
          fullAddress: "Lord's, London",
          addressParts: { city: 'London', country: 'United Kingdom' },
        },
        'Cricket/Color': '#F7D130',
        'Cricket/Icon': '🏏',
        'Cricket/Site': 'https://example.com/ashes',
      };
      const created = await ok({
        command: 'fibery.entity/create',
        args: { type: 'Cricket/Tour', entity: values },
      });
      for (const [name, value] of Object.entries(values)) assert.deepEqual(created[name], value, name);
    });

    test('q/start and q/end filter and order by date ranges', async () => {
      await createTours();
      await ok({
        command: 'fibery.entity/create',
        args: {
          type: 'Cricket/Tour',
          entity: {
            'Cricket/Name': 'Ashes 2019',
            'Cricket/Dates': { start: '2019-08-01', end: '2019-09-16' },
            'Cricket/Window': { start: '2019-08-01T10:00:00.000Z', end: '2019-09-16T18:00:00.000Z' },
          },
        },
      });
      await ok({
        command: 'fibery.entity/create',
        args: {
          type: 'Cricket/Tour',
          entity: { 'Cricket/Name': 'Later', 'Cricket/Dates': { start: '2020-01-01', end: '2020-02-01' } },
        },
      });
      const tours = (where: unknown[], params: Record<string, unknown>) =>
        ok({
          command: 'fibery.entity/query',
          args: {
            query: {
              'q/from': 'Cricket/Tour',
              'q/select': ['Cricket/Name'],
              'q/where': where,
              'q/order-by': [[['q/start', ['Cricket/Dates']], 'q/desc']],
              'q/limit': 10,
            },
            params,
          },
        });
      assert.deepEqual(await tours(['<', ['q/end', ['Cricket/Dates']], '$d'], { $d: '2019-12-31' }), [
        { 'Cricket/Name': 'Ashes 2019' },
      ]);
      assert.deepEqual(await tours(['>=', ['q/start', ['Cricket/Dates']], '$d'], { $d: '2019-01-01' }), [
        { 'Cricket/Name': 'Later' },
        { 'Cricket/Name': 'Ashes 2019' },
      ]);
      assert.deepEqual(
        await tours(['>', ['q/end', ['Cricket/Window']], '$t'], { $t: '2019-09-16T17:00:00.000Z' }),
        [{ 'Cricket/Name': 'Ashes 2019' }],
      );
    });

    test('values of the wrong shape, and q/end of a field that is not a range, are refused', async () => {
      await createTours();
      for (const [field, value] of [
        ['Cricket/Dates', { start: '2019-09-16', end: '2019-08-01' }],
        ['Cricket/Dates', '2019-08-01'],
        ['Cricket/Window', { start: 'soon', end: 'later' }],
        ['Cricket/Ground', { longitude: 200, latitude: 0 }],
        ['Cricket/Color', 'yellow'],
      ] as const) {
        assert.equal(
          await fails({
            command: 'fibery.entity/create',
            args: { type: 'Cricket/Tour', entity: { [field]: value } },
          }),
          'entity.error/invalid-value',
          `${field} ${JSON.stringify(value)}`,
        );
      }
      assert.equal(
        await fails({
          command: 'fibery.entity/query',
          args: {
            query: {
              'q/from': 'Cricket/Tour',
              'q/select': ['Cricket/Name'],
              'q/where': ['<', ['q/end', ['Cricket/Name']], '$d'],
            },
            params: { $d: 'x' },
          },
        }),
        'entity.error/invalid-query',
      );
    });
  });
}
