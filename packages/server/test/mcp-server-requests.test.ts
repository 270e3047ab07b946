// Requests exactly as Fibery's MCP server sends them, on both databases: the schema with its
// descriptions, commands as an array of one, a workflow database described with its states' names,
// entities created and updated with their state chosen by name, and the queries its query tool builds.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

const TASK = 'Work/Task';
const STATES = 'workflow/state_Work/Task';

for (const backend of backends) {
  describe(`requests as Fibery's MCP server sends them, on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let key = '';
    const headers = () => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

    /** One command sent as the server sends every one: an array of one, answered by an array of one. */
    async function command(name: string, args: unknown) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/commands',
        headers: headers(),
        payload: JSON.stringify([{ command: name, args }]),
      });
      assert.equal(response.statusCode, 200, response.body);
      const [envelope] = response.json();
      assert.equal(envelope.success, true, response.body);
      return envelope.result;
    }
    const query = (q: Record<string, unknown>, params: Record<string, unknown> | null = null) =>
      command('fibery.entity/query', { query: { 'q/limit': 50, ...q }, params });

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
      key = (await t.tokens.createToken(user)).value;
      await command('fibery.schema/batch', {
        commands: [
          {
            command: 'schema.type/create',
            args: {
              'fibery/name': TASK,
              'fibery/meta': { 'fibery/domain?': true },
              'fibery/fields': [
                {
                  'fibery/name': 'Work/Name',
                  'fibery/type': 'fibery/text',
                  'fibery/meta': { 'ui/title?': true },
                },
                { 'fibery/name': 'Work/Points', 'fibery/type': 'fibery/int' },
              ],
            },
          },
          { command: 'fibery.app/install-mixins', args: { types: { [TASK]: ['workflow/workflow'] } } },
        ],
      });
    });
    after(() => t?.close());

    test('the schema with descriptions and without soft-deleted types lists the workflow database as an enum', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/schema?with-description=true&with-soft-deleted=false',
        headers: headers(),
      });
      assert.equal(response.statusCode, 200, response.body);
      const types = response.json()['fibery/types'];
      const states = types.find((type: { 'fibery/name': string }) => type['fibery/name'] === STATES);
      assert.equal(states['fibery/meta']['fibery/enum?'], true);
      const task = types.find((type: { 'fibery/name': string }) => type['fibery/name'] === TASK);
      const state = task['fibery/fields'].find(
        (f: { 'fibery/name': string }) => f['fibery/name'] === 'workflow/state',
      );
      assert.equal(state['fibery/type'], STATES);
      assert.ok('fibery/description' in task);
    });

    test("an enum's values as the server reads them, then entities created and updated with a state chosen by name", async () => {
      const values = await query(
        { 'q/from': STATES, 'q/select': { Id: ['fibery/id'], Name: ['enum/name'] }, 'q/limit': 100 },
        {},
      );
      // The three states are created together: their order is by id, so compare them as a set.
      assert.deepEqual(values.map((value: { Name: string }) => value.Name).sort(), [
        'Done',
        'In Progress',
        'Open',
      ]);
      const id = (name: string) => values.find((value: { Name: string }) => value.Name === name).Id;
      const first = '0d2b8f3e-0000-4000-8000-000000000001';
      const created = await command('fibery.entity/create', {
        type: TASK,
        entity: {
          'Work/Name': 'Write docs',
          'Work/Points': 3,
          'workflow/state': { 'fibery/id': id('In Progress') },
          'fibery/id': first,
        },
      });
      assert.equal(created['fibery/public-id'], '1');
      const batch = await command('fibery.command/batch', {
        commands: ['Batch one', 'Batch two'].map((name) => ({
          command: 'fibery.entity/create',
          args: { type: TASK, entity: { 'Work/Name': name, 'fibery/id': crypto.randomUUID() } },
        })),
      });
      assert.deepEqual(
        batch.map((each: { success: boolean; result: Record<string, string> }) => [
          each.success,
          each.result['fibery/public-id'],
        ]),
        [
          [true, '2'],
          [true, '3'],
        ],
      );
      await command('fibery.entity/update', {
        type: TASK,
        entity: { 'fibery/id': first, 'workflow/state': { 'fibery/id': id('Done') } },
      });
      const [publicId] = await query(
        {
          'q/from': TASK,
          'q/select': { 'Public Id': 'fibery/public-id' },
          'q/where': ['=', ['fibery/id'], '$id'],
          'q/limit': 1,
        },
        { $id: first },
      );
      assert.deepEqual(publicId, { 'Public Id': '1' });
    });

    test('the query tool: paths through the state, workflow/Final, order by a field descending, offset', async () => {
      // The tasks the test before makes (Write docs done, two batch tasks open), when run alone.
      if ((await query({ 'q/from': TASK, 'q/select': { Name: 'Work/Name' } })).length === 0) {
        const states = await query(
          { 'q/from': STATES, 'q/select': { Id: ['fibery/id'], Name: ['enum/name'] } },
          {},
        );
        const done = states.find((state: { Name: string }) => state.Name === 'Done').Id;
        await command('fibery.entity/create', {
          type: TASK,
          entity: { 'Work/Name': 'Write docs', 'Work/Points': 3, 'workflow/state': { 'fibery/id': done } },
        });
        for (const name of ['Batch one', 'Batch two'])
          await command('fibery.entity/create', { type: TASK, entity: { 'Work/Name': name } });
      }
      const open = await query(
        {
          'q/from': TASK,
          'q/select': { Name: 'Work/Name', State: ['workflow/state', 'enum/name'] },
          'q/where': ['!=', ['workflow/state', 'workflow/Final'], '$stateType'],
        },
        { $stateType: true },
      );
      // Created in one batch, in the same millisecond: the default order then falls to the random id.
      open.sort((a: { Name: string }, b: { Name: string }) => a.Name.localeCompare(b.Name));
      assert.deepEqual(open, [
        { Name: 'Batch one', State: 'Open' },
        { Name: 'Batch two', State: 'Open' },
      ]);
      const ordered = await query({
        'q/from': TASK,
        'q/select': { Name: 'Work/Name' },
        'q/order-by': [[['Work/Name'], 'q/desc']],
        'q/limit': 2,
        'q/offset': 1,
      });
      assert.deepEqual(ordered, [{ Name: 'Batch two' }, { Name: 'Batch one' }]);
      const [me] = await query({
        'q/from': 'fibery/user',
        'q/select': { Name: 'user/name' },
        'q/where': ['=', ['fibery/id'], '$my-id'],
      });
      assert.deepEqual(me, { Name: 'Ada' });
    });
  });
}
