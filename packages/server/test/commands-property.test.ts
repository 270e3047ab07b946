// Thousands of random and mutated commands against /api/commands: never a 5xx, never a crash, every
// reply a well-formed envelope, and nothing stored changes (queries must not write).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { backends } from './helpers/backends.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

const FIELDS = [
  'fibery/id',
  'fibery/public-id',
  'user/name',
  'user/email',
  'fibery/role',
  'fibery/active?',
  'fibery/creation-date',
];
const OPERATORS = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'q/in',
  'q/not-in',
  'q/contains',
  'q/not-contains',
  'q/contains-ignoring-case?',
  'q/starts-with-ignoring-case?',
  'q/ends-with-ignoring-case?',
  'q/equals-ignoring-case?',
  'q/null?',
  'q/null-or-empty?',
  'q/and',
  'q/or',
  'q/bogus',
];

const anyJson = fc.jsonValue({ maxDepth: 4 });
const fieldName = fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 20 }));
const operand = fc.oneof(fieldName, fc.array(fieldName, { maxLength: 2 }), anyJson);
const param = fc.oneof(fc.constantFrom('$p', '$q', '$my-id', '$missing'), anyJson);
const condition: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small' },
    fc.tuple(fc.constantFrom(...OPERATORS), operand, param),
    fc.tuple(fc.constantFrom('q/and', 'q/or'), tie('cond'), tie('cond')),
    anyJson,
  ),
})).cond;
const query = fc.record(
  {
    'q/from': fc.oneof(fc.constant('fibery/user'), fc.string({ maxLength: 12 }), anyJson),
    'q/select': fc.oneof(
      fc.array(fieldName, { maxLength: 4 }),
      fc.dictionary(
        fc.string({ maxLength: 6 }),
        fc.oneof(fieldName, fc.array(fieldName, { maxLength: 2 }), fc.constant(['q/count', 'fibery/id'])),
      ),
      anyJson,
    ),
    'q/where': fc.oneof(condition, fc.constant(null)),
    'q/order-by': fc.oneof(
      fc.array(
        fc.tuple(fc.array(fieldName, { maxLength: 1 }), fc.constantFrom('q/asc', 'q/desc', 'sideways')),
      ),
      anyJson,
    ),
    'q/limit': fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.constant('q/no-limit'), anyJson),
    'q/offset': fc.oneof(fc.nat(10), anyJson),
  },
  { requiredKeys: [] },
);
const params = fc.oneof(fc.dictionary(fc.constantFrom('$p', '$q', 'p', '$my-id'), anyJson), anyJson);
const command = fc.oneof(
  fc.record({
    command: fc.constant('fibery.entity/query'),
    args: fc.record({ query, params }, { requiredKeys: ['query'] }),
  }),
  fc.record(
    { command: fc.oneof(fc.string({ maxLength: 30 }), anyJson), args: anyJson },
    { requiredKeys: [] },
  ),
  anyJson,
);
const body = fc.oneof(command, fc.array(command, { maxLength: 5 }));

/** Any JSON to /api/commands; never a 5xx. */
async function sendRaw(t: TestApp, token: string, payload: unknown) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/commands',
    headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
  assert.ok(response.statusCode < 500, `${response.statusCode}: ${response.body.slice(0, 300)}`);
  return response;
}

for (const backend of backends) {
  describe(`/api/commands under random input on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let token: string;
    let snapshot: string;
    const state = async () =>
      JSON.stringify([
        await t.storage.listWorkspaces(),
        await t.storage.listWorkspaceUsers((await t.storage.getWorkspaceBySlug('demo'))!.id),
      ]);

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
      await t.accounts.createUser({
        workspace: 'demo',
        email: 'bo@example.com',
        name: 'Bo',
        role: 'observer',
        password: 'long-password',
      });
      token = (await t.tokens.createToken(user)).value;
      snapshot = await state();
    });
    after(() => t?.close());

    test('no 5xx, no crash, well-formed envelopes, nothing changed', async () => {
      await fc.assert(
        fc.asyncProperty(body, async (payload) => {
          const response = await sendRaw(t, token, payload);
          if (response.statusCode !== 200) return;
          const reply = response.json();
          const envelopes = Array.isArray(payload) ? reply : [reply];
          assert.equal(envelopes.length, Array.isArray(payload) ? payload.length : 1);
          for (const envelope of envelopes) {
            assert.equal(typeof envelope.success, 'boolean');
            if (!envelope.success) {
              assert.match(envelope.result.name, /^(entity|command|schema)\.error\/[a-z-]+$/);
              assert.notEqual(envelope.result.name, 'command.error/internal', envelope.result.message);
            }
          }
        }),
        { numRuns: Number(process.env.PROPERTY_RUNS ?? 2000) },
      );
      assert.equal(await state(), snapshot);
    });
  });
}

// Random and mutated writes over a space with relations: a command that fails changes nothing at
// all (tables, links, schema), whatever it was and however far it got.
const KNOWN = {
  player: '00000000-0000-4000-8000-000000000001',
  team: '00000000-0000-4000-8000-0000000000a1',
  hand: '00000000-0000-4000-8000-0000000000b1',
};
const WRITE_FIELDS = [
  'Cricket/Name',
  'Cricket/Runs',
  'Cricket/Current Team',
  'Cricket/Former Teams',
  'Cricket/Batting Hand',
  'Cricket/Players',
  'fibery/id',
  'fibery/public-id',
  'bogus/field',
];
const idValue = fc.oneof(
  { arbitrary: fc.constantFrom(...Object.values(KNOWN)), weight: 5 },
  { arbitrary: fc.uuid(), weight: 2 },
  { arbitrary: anyJson, weight: 1 },
);
const fieldValue = fc.oneof(
  { arbitrary: fc.string({ maxLength: 10 }), weight: 3 },
  { arbitrary: fc.integer(), weight: 2 },
  { arbitrary: idValue.map((id) => ({ 'fibery/id': id })), weight: 3 },
  { arbitrary: fc.constantFrom('Left', 'Right', 'Unknown', null), weight: 2 },
  { arbitrary: anyJson, weight: 1 },
);
const entity = fc.dictionary(fc.constantFrom(...WRITE_FIELDS), fieldValue, { maxKeys: 4 });
const typeName = fc.oneof(
  {
    arbitrary: fc.constantFrom('Cricket/Player', 'Cricket/Team', 'Cricket/Batting Hand_Cricket/Player'),
    weight: 8,
  },
  { arbitrary: anyJson, weight: 1 },
);
const writeCommand: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    command: fc.constantFrom('fibery.entity/create', 'fibery.entity/update', 'fibery.entity/delete'),
    args: fc.record({
      type: typeName,
      entity: fc.oneof(
        entity,
        fc.tuple(entity, idValue).map(([e, id]) => ({ ...e, 'fibery/id': id })),
      ),
    }),
  }),
  fc.record({
    command: fc.constantFrom('fibery.entity/add-collection-items', 'fibery.entity/remove-collection-items'),
    args: fc.oneof(
      fc.record({
        type: typeName,
        field: fc.constantFrom(...WRITE_FIELDS),
        entity: fc
          .tuple(idValue, fc.array(idValue, { maxLength: 3 }))
          // A key as a client would write it; String() throws for an object without a prototype.
          .map(([id, items]) => ({ [typeof id === 'string' ? id : (JSON.stringify(id) ?? '')]: items })),
      }),
      fc.record({
        type: typeName,
        field: fc.constantFrom(...WRITE_FIELDS),
        entity: idValue.map((id) => ({ 'fibery/id': id })),
        items: fc.array(
          fc.oneof(
            idValue.map((id) => ({ 'fibery/id': id })),
            anyJson,
          ),
          { maxLength: 3 },
        ),
      }),
    ),
  }),
  fc.record({
    command: fc.constant('fibery.entity.batch/create-or-update'),
    args: fc.record({
      type: typeName,
      'conflict-field': fc.constantFrom(...WRITE_FIELDS),
      'conflict-action': fc.constantFrom('skip-create', 'update-latest', 'nope'),
      entities: fc.array(entity, { maxLength: 3 }),
    }),
  }),
  fc.record({
    command: fc.constant('fibery.schema/batch'),
    args: fc.record({
      commands: fc.array(
        fc.oneof(
          fc.record({
            command: fc.constant('schema.field/create'),
            args: fc.record({
              'fibery/holder-type': typeName,
              'fibery/name': fc.oneof(fc.constant('Cricket/Extra'), fc.string({ maxLength: 12 })),
              'fibery/type': fc.oneof(
                fc.constantFrom('fibery/int', 'Cricket/Team', 'fibery/nothing'),
                anyJson,
              ),
              'fibery/meta': fc.oneof(
                fc.constant({ 'fibery/collection?': true }),
                fc.constant({ 'fibery/relation': 'r-current' }),
                anyJson,
              ),
            }),
          }),
          fc.record({
            command: fc.constantFrom(
              'schema.field/delete',
              'schema.field/rename',
              'schema.type/delete',
              'schema.type/rename',
              'bogus',
            ),
            args: fc.record(
              {
                'holder-type': typeName,
                name: fc.constantFrom(...WRITE_FIELDS),
                'from-name': fc.oneof(fc.constantFrom(...WRITE_FIELDS), typeName),
                'to-name': fc.oneof(fc.constant('Cricket/Renamed'), anyJson),
              },
              { requiredKeys: [] },
            ),
          }),
        ),
        { maxLength: 3 },
      ),
    }),
  }),
);
/** Commands that cannot succeed: every one ends with a command that fails. */
const failingTail = { command: 'fibery.entity/create', args: { type: 'Cricket/Nowhere', entity: {} } };

for (const backend of backends) {
  describe(`writes under random input on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let token: string;
    let workspaceId: string;
    /** Everything stored for the workspace: the schema, every entity table and join table. */
    const state = async () => {
      const schema = await t.storage.getSchema(workspaceId);
      const tables = new Set<string>();
      for (const type of schema.types) {
        tables.add(type.tableName);
        for (const field of type.fields) if (field.storage?.kind === 'join') tables.add(field.storage.table);
      }
      const rows = [];
      for (const table of [...tables].sort())
        rows.push(table, await t.storage.queryRows(`SELECT * FROM ${table} ORDER BY 1, 2`, []));
      return JSON.stringify([schema, rows]);
    };
    const send = (payload: unknown) => sendRaw(t, token, payload);

    before(async () => {
      t = await startTestApp(backend);
      const workspace = await t.accounts.createWorkspace({ slug: 'demo' });
      workspaceId = workspace.id;
      const { user } = await t.accounts.createUser({
        workspace: 'demo',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        password: 'long-password',
      });
      token = (await t.tokens.createToken(user)).value;
      const type = (name: string, fields: unknown[] = []) => ({
        command: 'schema.type/create',
        args: {
          'fibery/name': name,
          'fibery/fields': [{ 'fibery/name': 'Cricket/Name', 'fibery/type': 'fibery/text' }, ...fields],
        },
      });
      const relation = (holder: string, name: string, target: string, meta: Record<string, unknown>) => ({
        command: 'schema.field/create',
        args: {
          'fibery/holder-type': holder,
          'fibery/name': name,
          'fibery/type': target,
          'fibery/meta': meta,
        },
      });
      const setup = [
        {
          command: 'fibery.schema/batch',
          args: {
            commands: [
              type('Cricket/Player', [{ 'fibery/name': 'Cricket/Runs', 'fibery/type': 'fibery/int' }]),
              type('Cricket/Team'),
              relation('Cricket/Player', 'Cricket/Current Team', 'Cricket/Team', {
                'fibery/relation': 'r-current',
              }),
              relation('Cricket/Team', 'Cricket/Players', 'Cricket/Player', {
                'fibery/relation': 'r-current',
                'fibery/collection?': true,
              }),
              relation('Cricket/Player', 'Cricket/Former Teams', 'Cricket/Team', {
                'fibery/collection?': true,
              }),
              {
                command: 'schema.enum/create',
                args: { 'fibery/name': 'Cricket/Batting Hand_Cricket/Player' },
              },
              relation('Cricket/Player', 'Cricket/Batting Hand', 'Cricket/Batting Hand_Cricket/Player', {}),
            ],
          },
        },
        {
          command: 'fibery.entity/create',
          args: { type: 'Cricket/Team', entity: { 'fibery/id': KNOWN.team, 'Cricket/Name': 'West Indies' } },
        },
        {
          command: 'fibery.entity/create',
          args: {
            type: 'Cricket/Batting Hand_Cricket/Player',
            entity: { 'fibery/id': KNOWN.hand, 'enum/name': 'Left' },
          },
        },
        {
          command: 'fibery.entity/create',
          args: {
            type: 'Cricket/Player',
            entity: {
              'fibery/id': KNOWN.player,
              'Cricket/Name': 'Brian Lara',
              'Cricket/Current Team': { 'fibery/id': KNOWN.team },
            },
          },
        },
      ];
      for (const command of setup) assert.equal((await send(command)).json().success, true);
    });
    after(() => t?.close());

    test('a failing command, or a batch that fails at its end, changes nothing', async () => {
      await fc.assert(
        fc.asyncProperty(writeCommand, fc.boolean(), async (command, inBatch) => {
          const before = await state();
          const payload = inBatch
            ? { command: 'fibery.command/batch', args: { commands: [command, failingTail] } }
            : command;
          const response = await send(payload);
          if (response.statusCode === 200) {
            const envelope = response.json();
            if (envelope.success) return;
            assert.notEqual(envelope.result.name, 'command.error/internal', envelope.result.message);
          }
          assert.equal(await state(), before, JSON.stringify(payload).slice(0, 500));
        }),
        { numRuns: Number(process.env.PROPERTY_RUNS ?? 2000) / 4 },
      );
    });
  });
}
