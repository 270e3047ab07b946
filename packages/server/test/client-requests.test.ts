// Requests exactly as Fibery's JavaScript clients send them (fibery-ts-unofficial's own suite, which
// fibery-unofficial shares), on both databases: create databases the documented way (the standard
// fields listed, a `fibery/name` title field, the rank mixin installed in the same schema batch),
// relations through a command batch of schema batches, and entities through them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { commandClient } from './helpers/commands.ts';
import { createTestClock, startTestApp, type TestApp } from './helpers/test-app.ts';

/** The five fields the clients add to every database they create (their DOMAIN_TYPE_FIELDS). */
const DOMAIN_TYPE_FIELDS = [
  {
    'fibery/name': 'fibery/name',
    'fibery/type': 'fibery/text',
    'fibery/meta': { 'fibery/secured?': true, 'ui/title?': true },
  },
  {
    'fibery/name': 'fibery/id',
    'fibery/type': 'fibery/uuid',
    'fibery/meta': { 'fibery/secured?': false, 'fibery/id?': true, 'fibery/readonly?': true },
  },
  {
    'fibery/name': 'fibery/public-id',
    'fibery/type': 'fibery/text',
    'fibery/meta': { 'fibery/secured?': false, 'fibery/public-id?': true, 'fibery/readonly?': true },
  },
  {
    'fibery/name': 'fibery/creation-date',
    'fibery/type': 'fibery/date-time',
    'fibery/meta': {
      'fibery/secured?': false,
      'fibery/creation-date?': true,
      'fibery/readonly?': true,
      'fibery/default-value': '$now',
    },
  },
  {
    'fibery/name': 'fibery/modification-date',
    'fibery/type': 'fibery/date-time',
    'fibery/meta': {
      'fibery/modification-date?': true,
      'fibery/required?': true,
      'fibery/readonly?': true,
      'fibery/default-value': '$now',
      'fibery/secured?': false,
    },
  },
];

const createDatabase = (name: string) => [
  {
    command: 'schema.type/create',
    args: {
      'fibery/name': name,
      'fibery/meta': { 'fibery/domain?': true },
      'fibery/fields': DOMAIN_TYPE_FIELDS,
    },
  },
  { command: 'fibery.app/install-mixins', args: { types: { [name]: ['fibery/rank-mixin'] } } },
];

const field = (holder: string, name: string, type: string, meta?: Record<string, unknown>) => ({
  command: 'schema.field/create',
  args: {
    'fibery/holder-type': holder,
    'fibery/name': name,
    'fibery/type': type,
    ...(meta ? { 'fibery/meta': meta } : {}),
  },
});

for (const backend of backends) {
  describe(`requests as Fibery's JavaScript clients send them, on ${backend.name}`, {
    skip: backend.skip,
  }, () => {
    let t: TestApp;
    let token = '';
    const { run, ok } = commandClient(
      () => t.app,
      () => token,
    );

    /** The names of the workspace's databases, and of one's fields. */
    const fieldsOf = async (type: string) =>
      (await ok({ command: 'fibery.schema/query' }))['fibery/types']
        .find((t: { 'fibery/name': string }) => t['fibery/name'] === type)
        ?.['fibery/fields'].map((f: { 'fibery/name': string }) => f['fibery/name']) as string[] | undefined;
    /** What the tests before make, for a test run alone: the two databases, and (`withTitle`) a book's title. */
    const ensureLibrary = async ({ withTitle = false } = {}) => {
      if (!(await fieldsOf('Testing/Book'))) {
        await ok({
          command: 'fibery.schema/batch',
          args: { commands: [...createDatabase('Testing/Author'), ...createDatabase('Testing/Book')] },
        });
      }
      if (withTitle && !(await fieldsOf('Testing/Book'))!.includes('Testing/Title')) {
        await ok({
          command: 'fibery.schema/batch',
          args: { commands: [field('Testing/Book', 'Testing/Title', 'fibery/text')] },
        });
      }
    };

    const clock = createTestClock();
    before(async () => {
      t = await startTestApp(backend, { clock });
      await t.accounts.createWorkspace({ slug: 'demo' });
      const { user } = await t.accounts.createUser({
        workspace: 'demo',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        password: 'long-password',
      });
      token = (await t.tokens.createToken(user)).value;
    });
    after(() => t?.close());

    test('creates databases the documented way, with their title field and the rank mixin, in one batch', async () => {
      const [answer] = await run([
        {
          command: 'fibery.schema/batch',
          args: { commands: [...createDatabase('Testing/Author'), ...createDatabase('Testing/Book')] },
        },
      ]);
      assert.deepEqual(answer, { success: true, result: 'ok' });
      const schema = await ok({ command: 'fibery.schema/query', args: {} });
      const author = schema['fibery/types'].find(
        (type: { 'fibery/name': string }) => type['fibery/name'] === 'Testing/Author',
      );
      const fields = author['fibery/fields'].map((f: { 'fibery/name': string }) => f['fibery/name']);
      for (const name of ['fibery/id', 'fibery/public-id', 'fibery/name', 'fibery/rank'])
        assert.ok(fields.includes(name), name);
      assert.deepEqual(author['fibery/meta']['app/mixins'], { 'fibery/rank-mixin': true });
      const title = author['fibery/fields'].find(
        (f: { 'fibery/name': string }) => f['fibery/name'] === 'fibery/name',
      );
      assert.equal(title['fibery/meta']['ui/title?'], true);
    });

    test('relations in a command batch of schema batches; entities created, queried, linked and deleted', async () => {
      await ensureLibrary();
      const relation = 'fa762fc2-e614-4349-bd11-9f2b77f459e9';
      const [batch] = await run([
        {
          command: 'fibery.command/batch',
          args: {
            commands: [
              {
                command: 'fibery.schema/batch',
                args: {
                  commands: [
                    field('Testing/Author', 'Testing/FirstName', 'fibery/text'),
                    field('Testing/Book', 'Testing/Title', 'fibery/text'),
                  ],
                },
              },
              {
                command: 'fibery.schema/batch',
                args: {
                  commands: [
                    field('Testing/Author', 'Testing/Books', 'Testing/Book', {
                      'fibery/collection?': true,
                      'fibery/relation': relation,
                    }),
                    field('Testing/Book', 'Testing/Author', 'Testing/Author', {
                      'fibery/collection?': true,
                      'fibery/relation': relation,
                    }),
                  ],
                },
              },
            ],
          },
        },
      ]);
      assert.equal(batch.success, true, JSON.stringify(batch));
      const created = await run([
        {
          command: 'fibery.entity/create',
          args: { type: 'Testing/Author', entity: { 'Testing/FirstName': 'Isaac', 'fibery/name': 'Asimov' } },
        },
        {
          command: 'fibery.entity/create',
          args: { type: 'Testing/Author', entity: { 'Testing/FirstName': 'Arthur' } },
        },
      ]);
      assert.ok(created.every((envelope: { success: boolean }) => envelope.success));
      const isaac = created[0].result['fibery/id'];
      const [book] = await run([
        {
          command: 'fibery.entity/create',
          args: { type: 'Testing/Book', entity: { 'Testing/Title': 'Foundation' } },
        },
      ]);
      const linked = await run([
        {
          command: 'fibery.entity/add-collection-items',
          args: {
            type: 'Testing/Author',
            field: 'Testing/Books',
            entity: { 'fibery/id': isaac },
            items: [{ 'fibery/id': book.result['fibery/id'] }],
          },
        },
      ]);
      assert.equal(linked[0].success, true);
      const [found] = await run([
        {
          command: 'fibery.entity/query',
          args: {
            query: {
              'q/from': 'Testing/Author',
              'q/select': [
                'fibery/id',
                'fibery/name',
                { 'Testing/Books': { 'q/select': ['fibery/id'], 'q/limit': 10 } },
              ],
              // A bare string as the field, as the client sends it.
              'q/where': ['=', 'fibery/id', '$id'],
              'q/limit': 1,
            },
            params: { $id: isaac },
          },
        },
      ]);
      assert.deepEqual(found.result, [
        {
          'fibery/id': isaac,
          'fibery/name': 'Asimov',
          'Testing/Books': [{ 'fibery/id': book.result['fibery/id'] }],
        },
      ]);
      const [deleted] = await run([
        { command: 'fibery.entity/delete', args: { type: 'Testing/Author', entity: { 'fibery/id': isaac } } },
      ]);
      assert.equal(deleted.success, true);
    });

    test('without q/order-by rows come in creation order, then by id, so q/offset pages in creation order', async () => {
      await ok({ command: 'fibery.schema/batch', args: { commands: createDatabase('Testing/Note') } });
      // Ids in the opposite order of creation; the last two created in the same millisecond.
      const ids = ['9', '8', '7', '6'].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
      for (const [i, id] of ids.entries()) {
        if (i < 3) clock.advance(1000);
        await ok({
          command: 'fibery.entity/create',
          args: { type: 'Testing/Note', entity: { 'fibery/id': id, 'fibery/name': `note ${i}` } },
        });
      }
      const page = async (offset: number) =>
        (
          await ok({
            command: 'fibery.entity/query',
            args: {
              query: {
                'q/from': 'Testing/Note',
                'q/select': ['fibery/name'],
                'q/limit': 2,
                'q/offset': offset,
              },
            },
          })
        ).map((row: { 'fibery/name': string }) => row['fibery/name']);
      assert.deepEqual([...(await page(0)), ...(await page(2))], ['note 0', 'note 1', 'note 3', 'note 2']);
    });

    test("fields of old workspaces' user space are accepted on a database (user/salary, as Fibery's docs show)", async () => {
      await ensureLibrary({ withTitle: true });
      await ok({
        command: 'fibery.schema/batch',
        args: {
          commands: [
            field('Testing/Book', 'user/salary', 'fibery/int'),
            field('Testing/Book', 'user/Former Teams', 'fibery/text'),
          ],
        },
      });
      const created = await ok({
        command: 'fibery.entity/create',
        args: { type: 'Testing/Book', entity: { 'Testing/Title': 'Dune', 'user/salary': 1000 } },
      });
      assert.equal(created['user/salary'], 1000);
      // A database still cannot be named in a reserved space, nor a field take another reserved name.
      const refused = await run({
        command: 'fibery.schema/batch',
        args: { commands: [field('Testing/Book', 'fibery/whatever', 'fibery/int')] },
      });
      assert.equal(refused.result.name, 'schema.error/invalid-name');
    });
  });
}
