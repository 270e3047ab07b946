// The provider's storage adapter on SQLite and PostgreSQL, on its own clock: what it stores for a
// token (no secret), expiry, the atomic consume, revocation by grant, and the sweep of expired rows.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAdapter, hashId } from '../src/auth/oauth/adapter.ts';
import { backends, openTestStorage } from './helpers/backends.ts';
import { createTestClock } from './helpers/test-app.ts';

for (const backend of backends) {
  describe(`OAuth storage adapter on ${backend.name}`, { skip: backend.skip }, () => {
    async function setup(t: { after(fn: () => Promise<void>): void }) {
      const opened = await openTestStorage(backend);
      t.after(() => opened.close());
      const clock = createTestClock();
      const Adapter = createAdapter(opened.storage, clock.now);
      return { storage: opened.storage, clock, Adapter };
    }

    test('a token is stored under the hash of its id, without the id, and found with it', async (t) => {
      const { storage, Adapter } = await setup(t);
      const tokens = new Adapter('AccessToken');
      await tokens.upsert(
        'secret-value',
        { jti: 'secret-value', grantId: 'g1', accountId: 'a1', clientId: 'c1' },
        3600,
      );
      const rows = await storage.queryRows(
        'SELECT model, id_hash, payload, grant_id FROM oauth_artifacts',
        [],
      );
      assert.deepEqual(
        rows.map((r) => [r.model, r.id_hash, r.grant_id]),
        [['AccessToken', hashId('secret-value'), 'g1']],
      );
      assert.equal(JSON.stringify(rows).includes('secret-value'), false);
      assert.deepEqual(await tokens.find('secret-value'), {
        jti: 'secret-value',
        grantId: 'g1',
        accountId: 'a1',
        clientId: 'c1',
      });
      assert.equal(await tokens.find('other-value'), undefined);
    });

    test('an expired row is never returned, and the sweep deletes it', async (t) => {
      const { storage, clock, Adapter } = await setup(t);
      const codes = new Adapter('AuthorizationCode');
      await codes.upsert('code-1', { grantId: 'g1' }, 60);
      clock.advance(59_000);
      assert.ok(await codes.find('code-1'));
      clock.advance(1_000);
      assert.equal(await codes.find('code-1'), undefined);
      // The next write more than a minute after the last sweep deletes expired rows.
      clock.advance(60_000);
      await codes.upsert('code-2', { grantId: 'g2' }, 60);
      const rows = await storage.queryRows('SELECT id_hash FROM oauth_artifacts', []);
      assert.deepEqual(
        rows.map((r) => r.id_hash),
        [hashId('code-2')],
      );
    });

    test('consume marks once: the first call wins, a second is refused and revokes the grant', async (t) => {
      const { Adapter } = await setup(t);
      const refresh = new Adapter('RefreshToken');
      const access = new Adapter('AccessToken');
      const grants = new Adapter('Grant');
      await grants.upsert('g1', { accountId: 'a1', clientId: 'c1' }, 3600);
      await refresh.upsert('rt-1', { grantId: 'g1' }, 3600);
      await access.upsert('at-1', { grantId: 'g1' }, 3600);
      const results = await Promise.allSettled([refresh.consume('rt-1'), refresh.consume('rt-1')]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal(refused.reason.error, 'invalid_grant');
      for (const [adapter, id] of [
        [refresh, 'rt-1'],
        [access, 'at-1'],
        [grants, 'g1'],
      ] as const) {
        assert.equal(await adapter.find(id), undefined, `${adapter.model} ${id} revoked`);
      }
    });

    test("revokeByGrantId deletes that grant's rows of the model and nothing else", async (t) => {
      const { Adapter } = await setup(t);
      const access = new Adapter('AccessToken');
      await access.upsert('at-1', { grantId: 'g1' }, 3600);
      await access.upsert('at-2', { grantId: 'g2' }, 3600);
      await access.revokeByGrantId('g1');
      assert.equal(await access.find('at-1'), undefined);
      assert.ok(await access.find('at-2'));
    });
  });
}
