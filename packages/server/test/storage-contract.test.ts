import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { migrations, type Storage, type Workspace } from '../src/storage/index.ts';
import { backends, type OpenedStorage, openTestStorage } from './helpers/backends.ts';

const NOW = 1_800_000_000_000;

const workspace = (slug: string): Workspace => ({
  id: randomUUID(),
  slug,
  name: slug.toUpperCase(),
  createdAt: NOW,
});
const account = (email: string) => ({
  id: randomUUID(),
  email,
  name: 'Ada',
  passwordHash: 'hash',
  passwordChangedAt: NOW,
  createdAt: NOW,
});

async function member(
  storage: Storage,
  ws: Workspace,
  email: string,
  role: 'admin' | 'member' | 'observer' = 'member',
) {
  const created = await storage.createAccount(account(email));
  assert.ok(created);
  const user = await storage.createWorkspaceUser({
    id: randomUUID(),
    workspaceId: ws.id,
    accountId: created.id,
    role,
    at: NOW,
  });
  assert.ok(user);
  return user;
}

for (const backend of backends) {
  describe(`storage contract on ${backend.name}`, { skip: backend.skip }, () => {
    let opened: OpenedStorage;
    let storage: Storage;
    before(async () => {
      opened = await openTestStorage(backend);
      storage = opened.storage;
    });
    after(() => opened?.close());

    test('reports its dialect and answers a ping', async () => {
      assert.equal(storage.dialect, backend.name);
      await storage.ping();
    });

    test('has applied every migration, and migrating again applies none', async () => {
      assert.deepEqual(await storage.migrate(), []);
      assert.ok(migrations.length > 0);
    });

    test('creates a workspace once per slug and finds it by slug', async () => {
      const created = await storage.createWorkspace(workspace('acme'));
      assert.equal(created?.slug, 'acme');
      assert.equal(created?.name, 'ACME');
      assert.equal(await storage.createWorkspace(workspace('acme')), null);
      assert.deepEqual(await storage.getWorkspaceBySlug('acme'), created);
      assert.equal(await storage.getWorkspaceBySlug('nope'), null);
      assert.ok((await storage.listWorkspaces()).some((w) => w.slug === 'acme'));
    });

    test('treats emails as unique regardless of case, keeping the spelling given', async () => {
      const created = await storage.createAccount(account('Grace@Example.COM'));
      assert.equal(created?.email, 'Grace@Example.COM');
      assert.equal(await storage.createAccount(account('grace@example.com')), null);
      assert.equal((await storage.getAccountByEmail('GRACE@example.com'))?.id, created?.id);
    });

    test('numbers workspace users per workspace and refuses a second membership', async () => {
      const ws = (await storage.createWorkspace(workspace('numbers')))!;
      const first = await member(storage, ws, 'one@numbers.test', 'admin');
      const second = await member(storage, ws, 'two@numbers.test');
      assert.equal(first.publicId, 1);
      assert.equal(second.publicId, 2);
      assert.equal(first.role, 'admin');
      assert.equal(first.active, true);
      const again = await storage.createWorkspaceUser({
        id: randomUUID(),
        workspaceId: ws.id,
        accountId: first.accountId,
        role: 'member',
        at: NOW,
      });
      assert.equal(again, null);
      const users = await storage.listWorkspaceUsers(ws.id);
      assert.deepEqual(
        users.map((u) => u.email),
        ['one@numbers.test', 'two@numbers.test'],
      );
    });

    test('lets one account belong to two workspaces with a role in each', async () => {
      const a = (await storage.createWorkspace(workspace('two-a')))!;
      const b = (await storage.createWorkspace(workspace('two-b')))!;
      const inA = await member(storage, a, 'both@two.test', 'observer');
      const inB = await storage.createWorkspaceUser({
        id: randomUUID(),
        workspaceId: b.id,
        accountId: inA.accountId,
        role: 'admin',
        at: NOW,
      });
      assert.equal(inB?.role, 'admin');
      assert.equal((await storage.getWorkspaceUserByEmail(a.id, 'BOTH@two.test'))?.role, 'observer');
      assert.equal(await storage.getWorkspaceUser(a.id, inB!.id), null, 'a user id belongs to one workspace');
    });

    test('changes role and active state, and reports a missing user as null', async () => {
      const ws = (await storage.createWorkspace(workspace('changes')))!;
      const user = await member(storage, ws, 'change@changes.test');
      const observer = await storage.updateWorkspaceUser(ws.id, user.id, { role: 'observer' }, NOW + 1);
      assert.equal(observer?.role, 'observer');
      assert.equal(observer?.active, true);
      assert.equal(observer?.updatedAt, NOW + 1);
      const inactive = await storage.updateWorkspaceUser(ws.id, user.id, { active: false }, NOW + 2);
      assert.equal(inactive?.role, 'observer');
      assert.equal(inactive?.active, false);
      assert.equal(await storage.updateWorkspaceUser(ws.id, randomUUID(), { active: true }, NOW), null);
    });

    test('updates a password hash', async () => {
      const created = (await storage.createAccount(account('pw@pw.test')))!;
      await storage.updateAccountPassword(created.id, 'new-hash', NOW + 5);
      const read = await storage.getAccountByEmail('pw@pw.test');
      assert.equal(read?.passwordHash, 'new-hash');
      assert.equal(read?.passwordChangedAt, NOW + 5);
    });

    test('rolls back everything a failed transaction wrote', async () => {
      await assert.rejects(
        storage.transaction(async (tx) => {
          await tx.createWorkspace(workspace('rolled-back'));
          await tx.createAccount(account('rolled@back.test'));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await storage.getWorkspaceBySlug('rolled-back'), null);
      assert.equal(await storage.getAccountByEmail('rolled@back.test'), null);
    });

    test('gives concurrent new users distinct public ids', async () => {
      const ws = (await storage.createWorkspace(workspace('concurrent')))!;
      const users = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          storage.transaction(async (tx) => {
            const created = (await tx.createAccount(account(`c${i}@concurrent.test`)))!;
            return tx.createWorkspaceUser({
              id: randomUUID(),
              workspaceId: ws.id,
              accountId: created.id,
              role: 'member',
              at: NOW,
            });
          }),
        ),
      );
      const ids = users.map((u) => u!.publicId).sort((x, y) => x - y);
      assert.deepEqual(
        ids,
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });
  });
}
