import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

describe('fibery.schema/query and GET /api/schema', () => {
  let t: TestApp;
  let token: string;
  before(async () => {
    t = await startTestApp(backends[0]!);
    await t.accounts.createWorkspace({ slug: 'demo' });
    const { user } = await t.accounts.createUser({
      workspace: 'demo',
      email: 'obs@example.com',
      name: 'Obs',
      role: 'observer',
      password: 'long-password',
    });
    token = (await t.tokens.createToken(user)).value;
  });
  after(() => t?.close());

  const auth = () => ({ authorization: `Token ${token}` });

  test('describes fibery/user with its fields, types and meta, also with "args": null', async () => {
    for (const payload of [
      { command: 'fibery.schema/query' },
      { command: 'fibery.schema/query', args: null },
      [{ command: 'fibery.schema/query' }],
    ]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/commands', headers: auth(), payload });
      const envelope = Array.isArray(payload) ? response.json()[0] : response.json();
      assert.equal(envelope.success, true);
      const user = envelope.result['fibery/types'].find(
        (type: { 'fibery/name': string }) => type['fibery/name'] === 'fibery/user',
      );
      const fields = Object.fromEntries(
        user['fibery/fields'].map((f: { 'fibery/name': string; 'fibery/type': string }) => [
          f['fibery/name'],
          f['fibery/type'],
        ]),
      );
      assert.deepEqual(
        {
          id: fields['fibery/id'],
          name: fields['user/name'],
          email: fields['user/email'],
          created: fields['fibery/creation-date'],
        },
        { id: 'fibery/uuid', name: 'fibery/text', email: 'fibery/email', created: 'fibery/date-time' },
      );
      assert.equal(typeof envelope.result['fibery/version'], 'number');
    }
  });

  test('lists the primitive types as Fibery does, and every field type is a type of the schema', async () => {
    const types = (await t.app.inject({ url: '/api/schema', headers: auth() })).json()['fibery/types'] as {
      'fibery/name': string;
      'fibery/meta': Record<string, unknown>;
      'fibery/fields': { 'fibery/type': string }[];
    }[];
    const byName = new Map(types.map((type) => [type['fibery/name'], type]));
    for (const name of [
      'fibery/text',
      'fibery/int',
      'fibery/decimal',
      'fibery/bool',
      'fibery/date',
      'fibery/date-time',
    ])
      assert.deepEqual(
        byName.get(name)?.['fibery/meta'],
        { 'fibery/primitive?': true, 'fibery/domain?': false },
        name,
      );
    assert.equal(byName.get('fibery/user')!['fibery/meta']['fibery/primitive?'], false);
    // The n8n node looks each field's type up in the schema, and fails on one it cannot find.
    for (const type of types)
      for (const field of type['fibery/fields'])
        assert.ok(byName.has(field['fibery/type']), field['fibery/type']);
  });

  test('with-description adds a description to every type and field (the MCP server asks for them)', async () => {
    const plain = (await t.app.inject({ url: '/api/schema', headers: auth() })).json();
    assert.equal('fibery/description' in plain['fibery/types'][0], false);
    const described = (
      await t.app.inject({
        url: '/api/schema?with-description=true&with-soft-deleted=false',
        headers: auth(),
      })
    ).json();
    const command = (
      await t.app.inject({
        method: 'POST',
        url: '/api/commands',
        headers: auth(),
        payload: { command: 'fibery.schema/query', args: { 'with-description?': true } },
      })
    ).json().result;
    for (const schema of [described, command])
      for (const type of schema['fibery/types']) {
        assert.ok('fibery/description' in type, type['fibery/name']);
        for (const field of type['fibery/fields']) assert.ok('fibery/description' in field);
      }
    const int = described['fibery/types'].find(
      (type: { 'fibery/name': string }) => type['fibery/name'] === 'fibery/int',
    );
    assert.equal(int['fibery/description'], 'A whole number.');
  });

  test('every field the schema lists can be queried', async () => {
    const schema = await t.app.inject({ url: '/api/schema', headers: auth() });
    for (const type of schema.json()['fibery/types']) {
      if (type['fibery/meta']['fibery/primitive?']) continue;
      const select = type['fibery/fields'].map((f: { 'fibery/name': string }) => f['fibery/name']);
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/commands',
        headers: auth(),
        payload: {
          command: 'fibery.entity/query',
          args: { query: { 'q/from': type['fibery/name'], 'q/select': select, 'q/limit': 1 } },
        },
      });
      assert.equal(response.json().success, true, response.body);
    }
  });

  test('ids are stable: the same schema on another server', async () => {
    const other = await startTestApp(backends[0]!);
    try {
      await other.accounts.createWorkspace({ slug: 'demo' });
      const { user } = await other.accounts.createUser({
        workspace: 'demo',
        email: 'x@example.com',
        name: 'X',
        role: 'admin',
        password: 'long-password',
      });
      const otherToken = (await other.tokens.createToken(user)).value;
      // The built-in types and fields have the same ids everywhere; the schema's own id is the workspace's.
      const mine = (await t.app.inject({ url: '/api/schema', headers: auth() })).json();
      const theirs = (
        await other.app.inject({ url: '/api/schema', headers: { authorization: `Token ${otherToken}` } })
      ).json();
      assert.deepEqual(mine['fibery/types'], theirs['fibery/types']);
      assert.notEqual(mine['fibery/id'], theirs['fibery/id']);
    } finally {
      await other.close();
    }
  });

  test('GET /api/schema answers with an ETag, and 304 when it matches; 401 without a token', async () => {
    const first = await t.app.inject({ url: '/api/schema', headers: auth() });
    assert.equal(first.statusCode, 200);
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
    const again = await t.app.inject({ url: '/api/schema', headers: { ...auth(), 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    const stale = await t.app.inject({
      url: '/api/schema',
      headers: { ...auth(), 'if-none-match': '"old"' },
    });
    assert.equal(stale.statusCode, 200);
    assert.equal((await t.app.inject({ url: '/api/schema' })).statusCode, 401);
  });
});
