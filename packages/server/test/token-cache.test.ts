// A verified token is served from memory only while nothing has written to the database: a write by
// another process (here a second connection, as the CLI would be) applies to the very next request.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAuth } from '../src/auth/index.ts';
import { createConfig } from '../src/config/index.ts';
import { openStorage, type Storage } from '../src/storage/index.ts';
import { backends } from './helpers/backends.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

function countLookups(storage: Storage) {
  const counter = { lookups: 0 };
  const find = storage.findApiTokenBySecretHash.bind(storage);
  storage.findApiTokenBySecretHash = (hash) => {
    counter.lookups++;
    return find(hash);
  };
  return counter;
}

describe('token cache on SQLite', () => {
  let t: TestApp;
  let other: Storage;
  before(async () => {
    t = await startTestApp(backends[0]!);
    // A second connection to the same file, like `weft token delete` run while the server serves.
    other = (await openStorage({ dataDir: t.config.dataDir, databaseUrl: undefined })).storage;
    // Every test's users live in it, whichever tests run.
    await t.accounts.createWorkspace({ slug: 'demo' });
  });
  after(async () => {
    await other?.close();
    await t?.close();
  });

  const get = (token: string) =>
    t.app.inject({ url: '/api/tokens', headers: { authorization: `Token ${token}` } });

  test('repeated requests with one token cost one lookup until something is written', async () => {
    const { user } = await t.accounts.createUser({
      workspace: 'demo',
      email: 'a@example.com',
      name: 'A',
      role: 'member',
      password: 'long-password',
    });
    const { value } = await t.tokens.createToken(user);
    const counter = countLookups(t.storage);
    for (let i = 0; i < 5; i++) assert.equal((await get(value)).statusCode, 200);
    assert.ok(counter.lookups <= 2, `${counter.lookups} lookups (one, plus one after the last-used write)`);
  });

  test('a token deleted by another process gets 401 on the very next request', async () => {
    const { user } = await t.accounts.createUser({
      workspace: 'demo',
      email: 'b@example.com',
      name: 'B',
      role: 'member',
      password: 'long-password',
    });
    const { value, token } = await t.tokens.createToken(user);
    assert.equal((await get(value)).statusCode, 200);
    assert.equal((await get(value)).statusCode, 200);
    const workspace = (await other.getWorkspaceBySlug('demo'))!;
    assert.ok(await other.deleteWorkspaceApiToken(workspace.id, token.id));
    assert.equal((await get(value)).statusCode, 401);
  });

  test('a deactivation by another process applies on the very next request', async () => {
    const { user } = await t.accounts.createUser({
      workspace: 'demo',
      email: 'c@example.com',
      name: 'C',
      role: 'member',
      password: 'long-password',
    });
    const { value } = await t.tokens.createToken(user);
    assert.equal((await get(value)).statusCode, 200);
    assert.equal((await get(value)).statusCode, 200);
    const outside = createAuth({
      config: createConfig({ dataDir: t.config.dataDir }),
      storage: other,
      clock: Date,
    });
    await outside.accounts.deactivateUser('demo', 'c@example.com');
    const refused = await get(value);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error.code, 'USER_DEACTIVATED');
  });
});

const postgres = backends.find((b) => b.name === 'postgres')!;
describe('token cache on PostgreSQL', { skip: postgres.skip }, () => {
  test('caches nothing: every request reads the token, so other instances see changes at once', async () => {
    const t = await startTestApp(postgres);
    try {
      await t.accounts.createWorkspace({ slug: 'demo' });
      const { user } = await t.accounts.createUser({
        workspace: 'demo',
        email: 'a@example.com',
        name: 'A',
        role: 'member',
        password: 'long-password',
      });
      const { value } = await t.tokens.createToken(user);
      const counter = countLookups(t.storage);
      for (let i = 0; i < 3; i++) {
        const response = await t.app.inject({
          url: '/api/tokens',
          headers: { authorization: `Token ${value}` },
        });
        assert.equal(response.statusCode, 200);
      }
      assert.equal(counter.lookups, 3);
    } finally {
      await t.close();
    }
  });
});
