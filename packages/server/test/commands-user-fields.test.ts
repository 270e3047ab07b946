// Fields of the workspace's own on fibery/user, as Fibery allows: primitive fields and relations in
// every direction, listed in the schema, written by fibery.entity/update (an administrator any
// user's, others their own), queried and filtered like any database's; fibery/user itself stays
// built in.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { commandClient } from './helpers/commands.ts';
import { createTestClock, startTestApp, type TestApp } from './helpers/test-app.ts';

const field = (holder: string, name: string, type: string, meta: Record<string, unknown> = {}) => ({
  command: 'schema.field/create',
  args: { 'fibery/holder-type': holder, 'fibery/name': name, 'fibery/type': type, 'fibery/meta': meta },
});
const schema = (...commands: unknown[]) => ({ command: 'fibery.schema/batch', args: { commands } });

/** The fields the first test adds to fibery/user; later tests add them when they run alone. */
const USER_FIELDS = [
  field('fibery/user', 'user/salary', 'fibery/int'),
  field('fibery/user', 'user/Start', 'fibery/date'),
  // Many users to one team: the user side holds the link.
  field('fibery/user', 'user/Team', 'Org/Team', { 'fibery/relation': 'team-members' }),
  field('Org/Team', 'Org/Members', 'fibery/user', {
    'fibery/relation': 'team-members',
    'fibery/collection?': true,
  }),
  // A team's lead: the team side holds the link, read back from the user.
  field('Org/Team', 'Org/Lead', 'fibery/user', { 'fibery/relation': 'team-lead' }),
  field('fibery/user', 'user/Leads', 'Org/Team', {
    'fibery/relation': 'team-lead',
    'fibery/collection?': true,
  }),
  // Users to users, many to many.
  field('fibery/user', 'user/Mentors', 'fibery/user', {
    'fibery/relation': 'mentors',
    'fibery/collection?': true,
  }),
];

for (const backend of backends) {
  describe(`custom fields on fibery/user, on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    const tokens: Record<string, string> = {};
    const ids: Record<string, string> = {};
    const { run, ok, fails } = commandClient(
      () => t.app,
      (as = 'ada') => tokens[as]!,
    );
    const clock = createTestClock();
    const users = (select: unknown, where?: unknown, params?: unknown) =>
      ok({
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': 'fibery/user',
            'q/select': select,
            'q/order-by': [[['user/name'], 'q/asc']],
            ...(where ? { 'q/where': where } : {}),
          },
          params,
        },
      });

    /** The fields of the first test, unless it ran already: each test may run alone. */
    const ensureUserFields = async () => {
      const types = (await ok({ command: 'fibery.schema/query' }))['fibery/types'];
      const user = types.find((type: { 'fibery/name': string }) => type['fibery/name'] === 'fibery/user');
      if (!user['fibery/fields'].some((f: { 'fibery/name': string }) => f['fibery/name'] === 'user/salary')) {
        await ok(schema(...USER_FIELDS));
      }
    };

    /** Team Core with Bob in it at a salary of 1100, as the second test leaves them, when run alone. */
    const ensureCoreTeam = async () => {
      await ensureUserFields();
      if (ids.team) return;
      const team = await ok({
        command: 'fibery.entity/create',
        args: { type: 'Org/Team', entity: { 'Org/Name': 'Core' } },
      });
      ids.team = team['fibery/id'];
      await ok({
        command: 'fibery.entity/update',
        args: {
          type: 'fibery/user',
          entity: { 'fibery/id': ids.bob, 'user/salary': 1100, 'user/Team': { 'fibery/id': ids.team } },
        },
      });
    };

    before(async () => {
      t = await startTestApp(backend, { clock });
      await t.accounts.createWorkspace({ slug: 'demo' });
      for (const [key, role] of [
        ['ada', 'admin'],
        ['bob', 'member'],
        ['cy', 'member'],
      ] as const) {
        const { user } = await t.accounts.createUser({
          workspace: 'demo',
          email: `${key}@example.com`,
          name: key,
          role,
          password: 'long-password',
        });
        ids[key] = user.id;
        tokens[key] = (await t.tokens.createToken(user)).value;
      }
      await ok(
        schema({
          command: 'schema.type/create',
          args: {
            'fibery/name': 'Org/Team',
            'fibery/meta': { 'fibery/domain?': true },
            'fibery/fields': [
              {
                'fibery/name': 'Org/Name',
                'fibery/type': 'fibery/text',
                'fibery/meta': { 'ui/title?': true },
              },
            ],
          },
        }),
      );
    });
    after(() => t?.close());

    test('an administrator adds primitive fields and relations to fibery/user; the schema lists them with the built-in ones', async () => {
      await ok(schema(...USER_FIELDS));
      const types = (
        await t.app.inject({ url: '/api/schema', headers: { authorization: `Token ${tokens.ada}` } })
      ).json()['fibery/types'];
      const user = types.filter((type: { 'fibery/name': string }) => type['fibery/name'] === 'fibery/user');
      assert.equal(user.length, 1, 'fibery/user is listed once');
      const fields = Object.fromEntries(
        user[0]['fibery/fields'].map((f: { 'fibery/name': string; 'fibery/type': string }) => [
          f['fibery/name'],
          f['fibery/type'],
        ]),
      );
      assert.equal(fields['user/name'], 'fibery/text');
      assert.equal(fields['user/salary'], 'fibery/int');
      assert.equal(fields['user/Team'], 'Org/Team');
      assert.equal(fields['user/Mentors'], 'fibery/user');
    });

    test("fields are null until set; an administrator sets any user's, and the user their own", async () => {
      await ensureUserFields();
      assert.deepEqual(await users({ name: 'user/name', salary: 'user/salary' }), [
        { name: 'ada', salary: null },
        { name: 'bob', salary: null },
        { name: 'cy', salary: null },
      ]);
      const team = await ok({
        command: 'fibery.entity/create',
        args: { type: 'Org/Team', entity: { 'Org/Name': 'Core' } },
      });
      ids.team = team['fibery/id'];
      clock.advance(1000);
      const updated = await ok({
        command: 'fibery.entity/update',
        args: {
          type: 'fibery/user',
          entity: {
            'fibery/id': ids.bob,
            'user/salary': 1000,
            'user/Start': '2024-03-01T00:00:00.000Z',
            'user/Team': { 'fibery/id': ids.team },
          },
        },
      });
      assert.equal(updated['user/salary'], 1000);
      assert.equal(updated['user/Start'], '2024-03-01');
      assert.deepEqual(updated['user/Team'], { 'fibery/id': ids.team });
      assert.equal(updated['user/name'], 'bob');
      assert.equal(updated['fibery/modification-date'], new Date(clock.now()).toISOString());
      // Bob sets his own; not Cy's.
      await ok(
        {
          command: 'fibery.entity/update',
          args: { type: 'fibery/user', entity: { 'fibery/id': ids.bob, 'user/salary': 1100 } },
        },
        'bob',
      );
      assert.equal(
        await fails(
          {
            command: 'fibery.entity/update',
            args: { type: 'fibery/user', entity: { 'fibery/id': ids.cy, 'user/salary': 1 } },
          },
          'bob',
        ),
        'command.error/forbidden',
      );
      assert.deepEqual(
        await users({ name: 'user/name', salary: 'user/salary', team: ['user/Team', 'Org/Name'] }),
        [
          { name: 'ada', salary: null, team: null },
          { name: 'bob', salary: 1100, team: 'Core' },
          { name: 'cy', salary: null, team: null },
        ],
      );
    });

    test('built-in fields stay read-only, and bad values are refused without a change', async () => {
      await ensureUserFields();
      await ok({
        command: 'fibery.entity/update',
        args: { type: 'fibery/user', entity: { 'fibery/id': ids.bob, 'user/salary': 1100 } },
      });
      const update = (entity: Record<string, unknown>) =>
        fails({
          command: 'fibery.entity/update',
          args: { type: 'fibery/user', entity: { 'fibery/id': ids.bob, ...entity } },
        });
      assert.equal(await update({ 'user/name': 'Robert' }), 'entity.error/field-read-only');
      assert.equal(await update({ 'user/email': 'x@example.com' }), 'entity.error/field-read-only');
      assert.equal(await update({ 'user/salary': 'lots' }), 'entity.error/invalid-value');
      assert.equal(
        await update({ 'user/Team': { 'fibery/id': '00000000-0000-4000-8000-000000000000' } }),
        'entity.error/related-entity-not-found',
      );
      assert.equal(await update({ 'user/Nope': 1 }), 'entity.error/schema-field-not-found');
      assert.equal(
        await fails({
          command: 'fibery.entity/update',
          args: {
            type: 'fibery/user',
            entity: { 'fibery/id': '00000000-0000-4000-8000-000000000001', 'user/salary': 1 },
          },
        }),
        'entity.error/entity-not-found',
      );
      assert.deepEqual(
        await users({ salary: 'user/salary' }, ['=', ['fibery/id'], '$id'], { $id: ids.bob }),
        [{ salary: 1100 }],
      );
    });

    test('users are never created or deleted through commands, and fibery/user itself cannot change', async () => {
      await ensureUserFields();
      assert.equal(
        await fails({
          command: 'fibery.entity/create',
          args: { type: 'fibery/user', entity: { 'user/name': 'Eve' } },
        }),
        'entity.error/type-read-only',
      );
      assert.equal(
        await fails({
          command: 'fibery.entity/delete',
          args: { type: 'fibery/user', entity: { 'fibery/id': ids.cy } },
        }),
        'entity.error/type-read-only',
      );
      for (const command of [
        { command: 'schema.type/delete', args: { name: 'fibery/user', 'delete-entities?': true } },
        { command: 'schema.type/rename', args: { 'from-name': 'fibery/user', 'to-name': 'Org/People' } },
        { command: 'schema.type/set-meta', args: { name: 'fibery/user', key: 'ui/color', value: '#000000' } },
        { command: 'fibery.app/install-mixins', args: { types: { 'fibery/user': ['fibery/rank-mixin'] } } },
      ])
        assert.equal(await fails(schema(command)), 'schema.error/built-in-type', command.command);
      // A field may not take a built-in field's name.
      assert.equal(
        await fails(schema(field('fibery/user', 'user/email', 'fibery/text'))),
        'schema.error/field-exists',
      );
      assert.equal(
        await fails(
          schema({
            command: 'schema.field/rename',
            args: { 'holder-type': 'fibery/user', 'from-name': 'user/salary', 'to-name': 'user/name' },
          }),
        ),
        'schema.error/field-exists',
      );
      assert.equal(
        await fails(schema(field('fibery/user', 'user/salary', 'fibery/int')), 'bob'),
        'command.error/forbidden',
      );
    });

    test('relations read and filter both ways: members of a team, the teams a user leads, mentors through collection items', async () => {
      await ensureCoreTeam();
      await ok({
        command: 'fibery.entity/update',
        args: { type: 'Org/Team', entity: { 'fibery/id': ids.team, 'Org/Lead': { 'fibery/id': ids.cy } } },
      });
      await ok({
        command: 'fibery.entity/add-collection-items',
        args: {
          type: 'fibery/user',
          field: 'user/Mentors',
          entity: { 'fibery/id': ids.bob },
          items: [{ 'fibery/id': ids.ada }, { 'fibery/id': ids.cy }],
        },
      });
      await ok({
        command: 'fibery.entity/add-collection-items',
        args: {
          type: 'Org/Team',
          field: 'Org/Members',
          entity: { 'fibery/id': ids.team },
          items: [{ 'fibery/id': ids.ada }],
        },
      });
      const [team] = await ok({
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': 'Org/Team',
            'q/select': {
              name: 'Org/Name',
              lead: ['Org/Lead', 'user/name'],
              members: {
                'q/from': 'Org/Members',
                'q/select': { name: 'user/name' },
                'q/order-by': [[['user/name'], 'q/asc']],
                'q/limit': 10,
              },
              'member count': ['q/count', ['Org/Members', 'fibery/id']],
            },
            'q/limit': 1,
          },
        },
      });
      assert.deepEqual(team, {
        name: 'Core',
        lead: 'cy',
        members: [{ name: 'ada' }, { name: 'bob' }],
        'member count': 2,
      });
      assert.deepEqual(
        await users(
          {
            name: 'user/name',
            leads: { 'q/from': 'user/Leads', 'q/select': { name: 'Org/Name' }, 'q/limit': 10 },
            mentors: ['q/count', ['user/Mentors', 'fibery/id']],
          },
          ['q/in', ['user/Team', 'fibery/id'], '$teams'],
          { $teams: [ids.team] },
        ),
        [
          { name: 'ada', leads: [], mentors: 0 },
          { name: 'bob', leads: [], mentors: 2 },
        ],
      );
      assert.deepEqual(await users({ name: 'user/name' }, ['>', ['user/salary'], '$s'], { $s: 1000 }), [
        { name: 'bob' },
      ]);
      assert.deepEqual(
        await users({ name: 'user/name' }, ['=', ['user/Leads', 'Org/Name'], '$n'], { $n: 'Core' }),
        [{ name: 'cy' }],
      );
    });

    test('a one-to-one relation whose user side holds the link is set and read from the other side', async () => {
      // The user side is created first, so it holds the link; the desk reads it in reverse.
      await ok(
        schema(
          {
            command: 'schema.type/create',
            args: {
              'fibery/name': 'Org/Desk',
              'fibery/meta': { 'fibery/domain?': true },
              'fibery/fields': [
                {
                  'fibery/name': 'Org/Name',
                  'fibery/type': 'fibery/text',
                  'fibery/meta': { 'ui/title?': true },
                },
              ],
            },
          },
          field('fibery/user', 'user/Desk', 'Org/Desk', { 'fibery/relation': 'desk' }),
          field('Org/Desk', 'Org/Owner', 'fibery/user', { 'fibery/relation': 'desk' }),
        ),
      );
      // Cy has never had a row of own fields: setting the desk's owner gives him one.
      const desk = await ok({
        command: 'fibery.entity/create',
        args: {
          type: 'Org/Desk',
          entity: { 'Org/Name': 'By the window', 'Org/Owner': { 'fibery/id': ids.cy } },
        },
      });
      assert.deepEqual(desk['Org/Owner'], { 'fibery/id': ids.cy });
      const desks = await ok({
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': 'Org/Desk',
            'q/select': { name: 'Org/Name', owner: ['Org/Owner', 'user/name'] },
            'q/where': ['=', ['Org/Owner', 'user/name'], '$n'],
          },
          params: { $n: 'cy' },
        },
      });
      assert.deepEqual(desks, [{ name: 'By the window', owner: 'cy' }]);
      assert.deepEqual(
        await users({ name: 'user/name', desk: ['user/Desk', 'Org/Name'] }, ['=', ['fibery/id'], '$id'], {
          $id: ids.cy,
        }),
        [{ name: 'cy', desk: 'By the window' }],
      );
    });

    test('deleting a team clears the links users hold to it; deleting a field drops its values', async () => {
      await ensureCoreTeam();
      await ok({
        command: 'fibery.entity/delete',
        args: { type: 'Org/Team', entity: { 'fibery/id': ids.team } },
      });
      assert.deepEqual(
        await users({ team: ['user/Team', 'fibery/id'] }, ['=', ['fibery/id'], '$id'], { $id: ids.bob }),
        [{ team: null }],
      );
      await ok(
        schema({
          command: 'schema.field/delete',
          args: { 'holder-type': 'fibery/user', name: 'user/salary' },
        }),
      );
      const [envelope] = await run([
        {
          command: 'fibery.entity/query',
          args: { query: { 'q/from': 'fibery/user', 'q/select': ['user/salary'] } },
        },
      ]);
      assert.equal(envelope.result.name, 'entity.error/schema-field-not-found');
    });
  });
}
