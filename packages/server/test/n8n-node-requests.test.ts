// Requests exactly as Fibery's n8n node sends them, on both databases: its API key as a Bearer
// token, the schema fetched with If-None-Match, entities created with their id and dates as
// toISOString(), collections linked in a second batch, the select shapes of its outputs, and every
// filter of its "Get many" operation, each checked against the rows it must keep.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

const ITEM = 'Shop/Item';
const TAG = 'Shop/Tag';
const field = (holder: string, name: string, type: string, meta?: Record<string, unknown>) => ({
  command: 'schema.field/create',
  args: { 'fibery/holder-type': holder, 'fibery/name': name, 'fibery/type': type, 'fibery/meta': meta ?? {} },
});

for (const backend of backends) {
  describe(`requests as Fibery's n8n node sends them, on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let key = '';
    const first = '6c0e8ad1-0000-4000-8000-000000000001';
    const second = '6c0e8ad1-0000-4000-8000-000000000002';
    let red = '';
    let userId = '';

    async function command(body: unknown) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/commands',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      assert.equal(response.statusCode, 200, response.body);
      const envelope = response.json();
      assert.equal(envelope.success, true, response.body);
      return envelope.result;
    }

    before(async () => {
      t = await startTestApp(backend);
      await t.accounts.createWorkspace({ slug: 'demo' });
      const { user } = await t.accounts.createUser({
        workspace: 'demo',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        password: 'long-password',
      });
      userId = user.id;
      key = (await t.tokens.createToken(user)).value;
      await command({
        command: 'fibery.schema/batch',
        args: {
          commands: [
            {
              command: 'schema.type/create',
              args: {
                'fibery/name': ITEM,
                'fibery/meta': { 'fibery/domain?': true },
                'fibery/fields': [
                  {
                    'fibery/name': 'Shop/Name',
                    'fibery/type': 'fibery/text',
                    'fibery/meta': { 'ui/title?': true },
                  },
                  { 'fibery/name': 'Shop/Count', 'fibery/type': 'fibery/int' },
                  { 'fibery/name': 'Shop/Done', 'fibery/type': 'fibery/bool' },
                  { 'fibery/name': 'Shop/Day', 'fibery/type': 'fibery/date' },
                  { 'fibery/name': 'Shop/At', 'fibery/type': 'fibery/date-time' },
                  { 'fibery/name': 'Shop/Period', 'fibery/type': 'fibery/date-range' },
                ],
              },
            },
            {
              command: 'schema.type/create',
              args: {
                'fibery/name': TAG,
                'fibery/meta': { 'fibery/domain?': true },
                'fibery/fields': [
                  {
                    'fibery/name': 'Shop/Name',
                    'fibery/type': 'fibery/text',
                    'fibery/meta': { 'ui/title?': true },
                  },
                ],
              },
            },
            field(ITEM, 'Shop/Main Tag', TAG, { 'fibery/relation': 'shop-main' }),
            field(TAG, 'Shop/Mains', ITEM, { 'fibery/relation': 'shop-main', 'fibery/collection?': true }),
            field(ITEM, 'Shop/Tags', TAG, { 'fibery/relation': 'shop-tags', 'fibery/collection?': true }),
            field(TAG, 'Shop/Items', ITEM, { 'fibery/relation': 'shop-tags', 'fibery/collection?': true }),
          ],
        },
      });
      red = (
        await command({
          command: 'fibery.entity/create',
          args: { type: TAG, entity: { 'Shop/Name': 'red' } },
        })
      )['fibery/id'];
    });
    after(() => t?.close());

    test('the schema comes with an ETag, and the same schema asked with If-None-Match is a 304', async () => {
      const headers = { authorization: `Bearer ${key}` };
      const full = await t.app.inject({ method: 'GET', url: '/api/schema', headers });
      assert.equal(full.statusCode, 200);
      const etag = full.headers.etag as string;
      assert.ok(etag);
      const again = await t.app.inject({
        method: 'GET',
        url: '/api/schema',
        headers: { ...headers, 'if-none-match': etag },
      });
      assert.equal(again.statusCode, 304);
    });

    /** First and Second as the node creates them: a batch of creates, then collections in a second batch. */
    const createFirstAndSecond = async () => {
      const create = (id: string, entity: Record<string, unknown>) => ({
        command: 'fibery.entity/create',
        args: { type: ITEM, entity: { 'fibery/id': id, ...entity } },
      });
      await command({
        command: 'fibery.command/batch',
        args: {
          commands: [
            create(first, {
              'Shop/Name': 'First',
              'Shop/Count': 42,
              'Shop/Done': true,
              'Shop/Day': '2024-01-15T00:00:00.000Z',
              'Shop/At': '2024-01-15T10:20:00.000Z',
              'Shop/Period': { start: '2024-01-01T00:00:00.000Z', end: '2024-01-31T00:00:00.000Z' },
              'Shop/Main Tag': { 'fibery/id': red },
            }),
            create(second, { 'Shop/Name': 'Second' }),
          ],
        },
      });
      await command({
        command: 'fibery.command/batch',
        args: {
          commands: [
            {
              command: 'fibery.entity/add-collection-items',
              args: {
                entity: { 'fibery/id': first },
                field: 'Shop/Tags',
                items: [{ 'fibery/id': red }],
                type: ITEM,
              },
            },
          ],
        },
      });
    };
    /** First and Second, unless the creating test made them already: the filter tests may run alone. */
    const ensureFirstAndSecond = async () => {
      const rows = await command({
        command: 'fibery.entity/query',
        args: { query: { 'q/from': ITEM, 'q/select': ['fibery/id'], 'q/limit': 10 } },
      });
      if (rows.length === 0) await createFirstAndSecond();
    };

    test('creates entities with their own id, dates as toISOString(), a relation, then collections in a second batch', async () => {
      await createFirstAndSecond();
      // The "raw" output's select: objects of paths for relations and a sub-query for a collection.
      const [row] = await command({
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': ITEM,
            'q/select': {
              'Shop/Name': 'Shop/Name',
              'Shop/Day': 'Shop/Day',
              'Shop/Period': 'Shop/Period',
              'fibery/created-by': {
                id: ['fibery/created-by', 'fibery/id'],
                name: ['fibery/created-by', 'user/name'],
              },
              'Shop/Main Tag': { id: ['Shop/Main Tag', 'fibery/id'], name: ['Shop/Main Tag', 'Shop/Name'] },
              'Shop/Tags': {
                'q/from': 'Shop/Tags',
                'q/limit': 200,
                'q/select': { id: 'fibery/id', name: 'Shop/Name' },
              },
            },
            'q/limit': 1,
            'q/offset': 0,
            'q/where': ['=', ['fibery/id'], '$entityId'],
          },
          params: { $entityId: first },
        },
      });
      assert.deepEqual(row, {
        'Shop/Name': 'First',
        'Shop/Day': '2024-01-15',
        'Shop/Period': { start: '2024-01-01', end: '2024-01-31' },
        'fibery/created-by': { id: userId, name: 'Ada' },
        'Shop/Main Tag': { id: red, name: 'red' },
        'Shop/Tags': [{ id: red, name: 'red' }],
      });
    });

    test('the entity pickers page by title, with and without a search', async () => {
      await ensureFirstAndSecond();
      const picker = (where?: unknown, params = {}) =>
        command({
          command: 'fibery.entity/query',
          args: {
            query: {
              'q/from': ITEM,
              'q/limit': 50,
              'q/offset': 0,
              'q/select': { name: 'Shop/Name', value: 'fibery/id' },
              'q/order-by': [[['Shop/Name'], 'q/asc']],
              ...(where ? { 'q/where': where } : {}),
            },
            params,
          },
        });
      assert.deepEqual(await picker(), [
        { name: 'First', value: first },
        { name: 'Second', value: second },
      ]);
      assert.deepEqual(await picker(['q/contains', ['Shop/Name'], '$filter'], { $filter: 'sec' }), [
        { name: 'Second', value: second },
      ]);
    });

    // Each filter of "Get many" as the node builds it, with the names of the rows it must keep.
    const filters: Array<[string, unknown, unknown, string[]]> = [
      ['text contains', ['q/contains', ['Shop/Name'], '$w'], 'IRS', ['First']],
      ['text does not contain', ['q/does_not_contain', ['Shop/Name'], '$w'], 'irs', ['Second']],
      ['text is', ['q/equals-ignoring-case?', ['Shop/Name'], '$w'], 'first', ['First']],
      ['text is not', ['q/not-equals-ignoring-case?', ['Shop/Name'], '$w'], 'FIRST', ['Second']],
      ['text starts with', ['q/starts-with-ignoring-case?', ['Shop/Name'], '$w'], 'se', ['Second']],
      ['text ends with', ['q/ends-with-ignoring-case?', ['Shop/Name'], '$w'], 'ST', ['First']],
      ['text is empty', ['=', ['q/null-or-empty?', ['Shop/Name']], '$w'], true, []],
      ['number is', ['=', ['Shop/Count'], '$w'], 42, ['First']],
      // Weft's != keeps the rows without a value, as "is not" means in Fibery's filters.
      ['number is not', ['!=', ['Shop/Count'], '$w'], 42, ['Second']],
      ['number is greater than', ['>', ['Shop/Count'], '$w'], 41, ['First']],
      ['number is at most', ['<=', ['Shop/Count'], '$w'], 41, []],
      ['number is empty', ['=', ['q/null-or-empty?', ['Shop/Count']], '$w'], true, ['Second']],
      ['boolean is', ['=', ['Shop/Done'], '$w'], true, ['First']],
      ['date is', ['=', ['Shop/Day'], '$w'], '2024-01-15T00:00:00.000Z', ['First']],
      ['date is before', ['<', ['Shop/Day'], '$w'], '2024-01-16T00:00:00.000Z', ['First']],
      ['date is on or after', ['>=', ['Shop/Day'], '$w'], '2024-01-16T00:00:00.000Z', []],
      ['date-time is after', ['>', ['Shop/At'], '$w'], '2024-01-15T10:00:00.000Z', ['First']],
      ['date is empty', ['=', ['q/null?', ['Shop/At']], '$w'], true, ['Second']],
      [
        'creation date is after',
        ['>', ['fibery/creation-date'], '$w'],
        '2000-01-01T00:00:00.000Z',
        ['First', 'Second'],
      ],
      ['relation is', ['=', ['Shop/Main Tag', 'fibery/id'], '$w'], 'red', ['First']],
      ['relation is empty', ['=', ['Shop/Main Tag', 'fibery/id'], '$w'], null, ['Second']],
      ['relation is not empty', ['!=', ['Shop/Main Tag', 'fibery/id'], '$w'], null, ['First']],
      ['created by is', ['=', ['fibery/created-by', 'fibery/id'], '$w'], 'me', ['First', 'Second']],
      ['collection contains', ['q/in', ['Shop/Tags', 'fibery/id'], '$w'], ['red'], ['First']],
      ['collection does not contain', ['q/not-in', ['Shop/Tags', 'fibery/id'], '$w'], ['red'], ['Second']],
      ['collection is empty', ['=', ['q/count', ['Shop/Tags', 'fibery/id']], '$w'], 0, ['Second']],
      ['collection is not empty', ['>', ['q/count', ['Shop/Tags', 'fibery/id']], '$w'], 0, ['First']],
    ];
    for (const [name, where, value, expected] of filters) {
      test(`the "${name}" filter keeps ${expected.length ? expected.join(' and ') : 'no row'}`, async () => {
        await ensureFirstAndSecond();
        // Ids are known once the suite has started: 'red' stands for the tag's, 'me' for the user's.
        const id = (v: unknown) => (v === 'red' ? red : v === 'me' ? userId : v);
        const param = Array.isArray(value) ? value.map(id) : id(value);
        const rows = await command({
          command: 'fibery.entity/query',
          args: {
            query: {
              'q/from': ITEM,
              'q/select': { 'Shop/Name': 'Shop/Name' },
              'q/limit': 50,
              'q/offset': 0,
              'q/where': where,
            },
            params: { $w: param },
          },
        });
        assert.deepEqual(
          rows.map((row: { 'Shop/Name': string }) => row['Shop/Name']),
          expected,
        );
      });
    }

    test('two filters joined with q/or as "any of them" keep the rows of either', async () => {
      await ensureFirstAndSecond();
      const rows = await command({
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': ITEM,
            'q/select': { 'Shop/Name': 'Shop/Name' },
            'q/limit': 50,
            'q/offset': 0,
            'q/where': ['q/or', ['=', ['Shop/Count'], '$where0'], ['q/contains', ['Shop/Name'], '$where1']],
          },
          params: { $where0: 42, $where1: 'cond' },
        },
      });
      assert.deepEqual(
        rows.map((row: { 'Shop/Name': string }) => row['Shop/Name']),
        ['First', 'Second'],
      );
    });

    test('updates in a batch with the query of its output, then deletes', async () => {
      await ensureFirstAndSecond();
      const [
        { result: updated },
        {
          result: [row],
        },
      ] = await command({
        command: 'fibery.command/batch',
        args: {
          commands: [
            {
              command: 'fibery.entity/update',
              args: { type: ITEM, entity: { 'fibery/id': first, 'Shop/Count': 43 } },
            },
            {
              command: 'fibery.entity/query',
              args: {
                query: {
                  'q/from': ITEM,
                  'q/select': { 'fibery/id': 'fibery/id', 'Shop/Count': 'Shop/Count' },
                  'q/where': ['=', ['fibery/id'], '$entityId'],
                  'q/limit': 1,
                },
                params: { $entityId: first },
              },
            },
          ],
        },
      });
      assert.equal(updated['Shop/Count'], 43);
      assert.deepEqual(row, { 'fibery/id': first, 'Shop/Count': 43 });
      await command({
        command: 'fibery.entity/delete',
        args: { type: ITEM, entity: { 'fibery/id': second } },
      });
      const left = await command({
        command: 'fibery.entity/query',
        args: { query: { 'q/from': ITEM, 'q/select': { id: 'fibery/id' }, 'q/limit': 50 } },
      });
      assert.deepEqual(left, [{ id: first }]);
    });
  });
}
