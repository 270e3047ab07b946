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
          const response = await t.app.inject({
            method: 'POST',
            url: '/api/commands',
            headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
            payload: JSON.stringify(payload),
          });
          assert.ok(response.statusCode < 500, `${response.statusCode}: ${response.body.slice(0, 300)}`);
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
