import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type AccountsService, createAccountsService, verifyPassword } from '../src/auth/accounts/index.ts';
import { WeftError } from '../src/errors/index.ts';
import type { Storage } from '../src/storage/index.ts';
import { backends, type OpenedStorage, openTestStorage } from './helpers/backends.ts';

async function rejectsWith(promise: Promise<unknown>, code: string) {
  await assert.rejects(promise, (error) => error instanceof WeftError && error.code === code);
}

for (const backend of backends) {
  /** What a test starts from, when not workspace demo with Ada, a member. */
  const STARTS: Record<string, 'empty' | 'ada+boss'> = {
    'creates a workspace named after its slug by default, and refuses bad or taken slugs': 'empty',
    'creates a user with a generated password that verifies': 'empty',
    'sets a given or generated password': 'ada+boss',
    'changes roles, deactivates and reactivates': 'ada+boss',
  };

  describe(`accounts on ${backend.name}`, { skip: backend.skip }, () => {
    let opened: OpenedStorage;
    let storage: Storage;
    let accounts: AccountsService;
    // Each test on storage of its own, with workspace demo and what the test starts from.
    beforeEach(async (context) => {
      opened = await openTestStorage(backend);
      storage = opened.storage;
      accounts = createAccountsService({ storage, clock: Date });
      await accounts.createWorkspace({ slug: 'demo', name: 'Demo' });
      const start = STARTS[context.name] ?? 'ada';
      if (start === 'empty') return;
      await accounts.createUser({
        workspace: 'demo',
        email: ' Ada@Example.com ',
        name: 'Ada Lovelace',
        role: 'member',
      });
      if (start === 'ada+boss') {
        await accounts.createUser({
          workspace: 'demo',
          email: 'boss@example.com',
          name: 'Boss',
          role: 'admin',
          password: 'boss-password',
        });
      }
    });
    afterEach(() => opened?.close());

    test('creates a workspace named after its slug by default, and refuses bad or taken slugs', async () => {
      const created = await accounts.createWorkspace({ slug: 'plain' });
      assert.equal(created.name, 'plain');
      await rejectsWith(accounts.createWorkspace({ slug: 'plain' }), 'WORKSPACE_EXISTS');
      for (const slug of [
        'Upper',
        '-dash',
        'under_score',
        '',
        'a'.repeat(64),
        'x"; DROP TABLE workspaces; --',
      ]) {
        await rejectsWith(accounts.createWorkspace({ slug }), 'INVALID_SLUG');
      }
      await rejectsWith(accounts.createWorkspace({ slug: 'named', name: '  ' }), 'INVALID_WORKSPACE_NAME');
    });

    test('creates a user with no password at all when told null: none is generated or stored', async () => {
      const { generatedPassword } = await accounts.createUser({
        workspace: 'demo',
        email: 'bot@example.com',
        name: 'Bot',
        role: 'member',
        password: null,
      });
      assert.equal(generatedPassword, undefined);
      const account = await storage.getAccountByEmail('bot@example.com');
      assert.equal(account!.passwordHash, null);
      assert.equal(account!.passwordChangedAt, null);
    });

    test('creates a user with a generated password that verifies', async () => {
      const { user, workspace, generatedPassword } = await accounts.createUser({
        workspace: 'demo',
        email: ' Ada@Example.com ',
        name: 'Ada Lovelace',
        role: 'member',
      });
      assert.equal(workspace.slug, 'demo');
      assert.equal(user.email, 'Ada@Example.com');
      assert.match(user.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.match(generatedPassword!, /^[0-9A-Za-z]{20}$/);
      const account = await storage.getAccountByEmail('ada@example.com');
      assert.ok(account?.passwordHash?.startsWith('$argon2id$'));
      assert.equal(await verifyPassword(account!.passwordHash, generatedPassword!), true);
      assert.equal(await verifyPassword(account!.passwordHash, 'wrong password'), false);
    });

    test('refuses a duplicate email in any case, and writes nothing for it', async () => {
      await rejectsWith(
        accounts.createUser({ workspace: 'demo', email: 'ADA@example.COM', name: 'Other', role: 'admin' }),
        'USER_EXISTS',
      );
      const users = await accounts.listUsers('demo');
      assert.equal(users.filter((u) => u.email.toLowerCase() === 'ada@example.com').length, 1);
      assert.equal(users.find((u) => u.email === 'Ada@Example.com')?.role, 'member');
    });

    test('refuses malformed input and writes nothing', async () => {
      const bad = [
        [{ email: 'not-an-email' }, 'INVALID_EMAIL'],
        [{ email: 'a@b' }, 'INVALID_EMAIL'],
        [{ email: 'two@@example.com' }, 'INVALID_EMAIL'],
        [{ role: 'owner' }, 'INVALID_ROLE'],
        [{ role: 'Admin' }, 'INVALID_ROLE'],
        [{ name: '' }, 'INVALID_NAME'],
        [{ name: 'line\nbreak' }, 'INVALID_NAME'],
        // A right-to-left override shows "Ada\u202Egnp.exe" as "Adaexe.png"; a zero-width space makes
        // a second "Ada" look like the first.
        [{ name: 'Ada\u202Egnp.exe' }, 'INVALID_NAME'],
        [{ name: 'A\u200Bda' }, 'INVALID_NAME'],
        [{ name: 'Ada \ud800' }, 'INVALID_NAME'],
        [{ email: 'ada\u202E@example.com' }, 'INVALID_EMAIL'],
        [{ password: 'short' }, 'INVALID_PASSWORD'],
        [{ workspace: 'ghost' }, 'WORKSPACE_NOT_FOUND'],
      ] as const;
      for (const [change, code] of bad) {
        const input = { workspace: 'demo', email: 'new@example.com', name: 'New', role: 'member', ...change };
        await rejectsWith(accounts.createUser(input), code);
      }
      assert.equal(
        await storage.getAccountByEmail('new@example.com'),
        null,
        'no account was left half-written',
      );
    });

    test('adds an existing account to a second workspace, keeping its password', async () => {
      await accounts.createWorkspace({ slug: 'second' });
      await rejectsWith(
        accounts.createUser({
          workspace: 'second',
          email: 'ada@example.com',
          name: 'Ada',
          role: 'admin',
          password: 'another-pass',
        }),
        'ACCOUNT_EXISTS',
      );
      const before = await storage.getAccountByEmail('ada@example.com');
      const joined = await accounts.createUser({
        workspace: 'second',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
      });
      assert.equal(joined.generatedPassword, undefined);
      assert.equal(joined.user.accountId, before!.id);
      assert.equal(joined.user.role, 'admin');
      assert.equal((await storage.getAccountByEmail('ada@example.com'))!.passwordHash, before!.passwordHash);
    });

    test('changes roles, deactivates and reactivates', async () => {
      assert.equal((await accounts.setRole('demo', 'ada@example.com', 'observer')).user.role, 'observer');
      assert.equal((await accounts.deactivateUser('demo', 'ada@example.com')).user.active, false);
      assert.equal((await accounts.activateUser('demo', 'ada@example.com')).user.active, true);
      await rejectsWith(accounts.setRole('demo', 'ada@example.com', 'root'), 'INVALID_ROLE');
      await rejectsWith(accounts.setRole('demo', 'nobody@example.com', 'member'), 'USER_NOT_FOUND');
      await rejectsWith(accounts.deactivateUser('ghost', 'ada@example.com'), 'WORKSPACE_NOT_FOUND');
    });

    test('never leaves a workspace without an active admin', async () => {
      await accounts.createWorkspace({ slug: 'solo' });
      await accounts.createUser({
        workspace: 'solo',
        email: 'solo@example.com',
        name: 'Solo',
        role: 'admin',
        password: 'solo-password',
      });
      await rejectsWith(accounts.setRole('solo', 'solo@example.com', 'member'), 'LAST_ADMIN');
      await rejectsWith(accounts.deactivateUser('solo', 'solo@example.com'), 'LAST_ADMIN');
      await accounts.createUser({
        workspace: 'solo',
        email: 'deputy@example.com',
        name: 'Deputy',
        role: 'admin',
        password: 'deputy-pass',
      });
      assert.equal((await accounts.deactivateUser('solo', 'solo@example.com')).user.active, false);
    });

    test('sets a given or generated password', async () => {
      await accounts.setPassword('boss@example.com', 'a-new-password');
      const hash = (await storage.getAccountByEmail('boss@example.com'))!.passwordHash;
      assert.equal(await verifyPassword(hash, 'a-new-password'), true);
      const { generatedPassword } = await accounts.setPassword('boss@example.com');
      assert.equal(
        await verifyPassword(
          (await storage.getAccountByEmail('boss@example.com'))!.passwordHash,
          generatedPassword!,
        ),
        true,
      );
      await rejectsWith(accounts.setPassword('boss@example.com', 'short'), 'INVALID_PASSWORD');
      await rejectsWith(accounts.setPassword('nobody@example.com', 'long-enough'), 'USER_NOT_FOUND');
    });
  });
}

test('verifying against no hash takes the same path and is false', async () => {
  assert.equal(await verifyPassword(null, 'anything'), false);
});
