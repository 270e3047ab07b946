// What one /api/commands request may spend: commands (counted through nested batches) and time, and
// what happens when the client goes away or the database is too busy.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Config } from '../src/config/index.ts';
import { backends } from './helpers/backends.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';

const PLAYER = {
  command: 'fibery.schema/batch',
  args: {
    commands: [
      {
        command: 'schema.type/create',
        args: {
          'fibery/name': 'Cricket/Player',
          'fibery/fields': [{ 'fibery/name': 'Cricket/Name', 'fibery/type': 'fibery/text' }],
        },
      },
    ],
  },
};
const create = (name: string) => ({
  command: 'fibery.entity/create',
  args: { type: 'Cricket/Player', entity: { 'Cricket/Name': name } },
});
const search = {
  command: 'fibery.entity/query',
  args: {
    query: {
      'q/from': 'Cricket/Player',
      'q/select': ['Cricket/Name'],
      'q/where': ['q/contains', ['Cricket/Name'], '$text'],
    },
    params: { $text: 'a' },
  },
};
const batch = (commands: unknown[]) => ({ command: 'fibery.command/batch', args: { commands } });

for (const backend of backends) {
  describe(`budgets of a commands request on ${backend.name}`, { skip: backend.skip }, () => {
    /** Calls of the monotonic clock; each moves it 1 ms, so time passes as statements are checked. */
    let ticks = 0;
    /** While set up, the clock stands still: the setup's own statements spend none of a test's time. */
    let frozen = false;
    let onTick: ((tick: number) => void) | null = null;
    let t: TestApp;
    let token = '';

    async function start(config: Partial<Config> = {}) {
      t = await startTestApp(backend, {
        config,
        captureLogs: true,
        monotonicClock: () => {
          if (frozen) return ticks;
          ticks++;
          onTick?.(ticks);
          return ticks;
        },
      });
      await t.accounts.createWorkspace({ slug: 'demo' });
      const { user } = await t.accounts.createUser({
        workspace: 'demo',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        password: 'long-password',
      });
      token = (await t.tokens.createToken(user)).value;
      frozen = true;
      try {
        assert.equal((await post([PLAYER, create('Brian Lara')]))[1].success, true);
      } finally {
        frozen = false;
      }
    }
    const post = async (body: unknown, expectedStatus = 200) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/commands',
        headers: { authorization: `Token ${token}` },
        payload: body as object,
      });
      assert.equal(response.statusCode, expectedStatus, response.body);
      return response.json();
    };
    const players = async () =>
      (
        await post({
          command: 'fibery.entity/query',
          args: {
            query: { 'q/from': 'Cricket/Player', 'q/select': ['Cricket/Name'], 'q/limit': 'q/no-limit' },
          },
        })
      ).result.length;

    describe('time', () => {
      before(() => start({ commandTimeLimitMs: 40 }));
      after(() => t?.close());

      test('a batch still running at the time limit stops with command.error/time-limit and rolls back', async () => {
        const [stopped, after] = await post([
          batch([create('Curtly Ambrose'), ...Array.from({ length: 200 }, () => search)]),
          create('Never Run'),
        ]);
        assert.equal(stopped.success, false);
        assert.equal(stopped.result.name, 'command.error/time-limit');
        assert.equal(stopped.result.data.limit_ms, 40);
        assert.equal(after.result.name, 'command.error/time-limit', 'the request has no time left for it');
        assert.equal(await players(), 1, 'neither the batch nor the command after it wrote anything');
      });

      test('a request within its time answers as usual', async () => {
        assert.equal((await post(search)).success, true);
      });
    });

    describe('commands', () => {
      before(() => start({ maxCommandsPerRequest: 100 }));
      after(() => t?.close());

      test('commands inside batches count, at every level, before any runs', async () => {
        const nested = batch([create('One'), batch(Array.from({ length: 60 }, () => search))]);
        const refused = await post([nested, batch(Array.from({ length: 40 }, () => search))], 400);
        assert.equal(refused.error.code, 'TOO_MANY_COMMANDS');
        assert.match(refused.error.message, /104 commands/);
        assert.equal(await players(), 1, 'nothing ran');
        assert.equal((await post([nested, search])).length, 2, 'within the limit');
      });
    });

    describe('a client that goes away', () => {
      before(() => start({ commandTimeLimitMs: 600_000 }));
      after(() => t?.close());

      test('stops its commands at the next statement: a batch rolls back, the rest never run', async () => {
        await t.app.listen({ port: 0, host: '127.0.0.1' });
        const { port } = t.app.server.address() as AddressInfo;
        const body = JSON.stringify([
          batch([create('Gone'), ...Array.from({ length: 900 }, () => search)]),
          create('Later'),
        ]);
        let checks = 0;
        const gone = new Promise<void>((resolve, reject) => {
          const client = httpRequest({
            port,
            method: 'POST',
            path: '/api/commands',
            headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
          });
          client.on('error', () => {});
          client.on('response', (response) => reject(new Error(`answered ${response.statusCode} first`)));
          onTick = () => {
            // Well into the batch: the client closes its connection.
            if (++checks === 50) {
              client.destroy();
              resolve();
            }
          };
          client.end(body);
        });
        await gone;
        const startedAt = ticks;
        // The handler logs when it stops; wait for that line, not for a time.
        while (!t.logs.some((line) => line.includes('the client went away')))
          await new Promise((resolve) => setImmediate(resolve));
        onTick = null;
        assert.ok(ticks - startedAt < 300, `${ticks - startedAt} checks after the client left, of some 900`);
        assert.equal(await players(), 1, 'the batch rolled back and the last command never ran');
      });
    });

    describe('a busy database', () => {
      before(() => start({ databaseWaitLimitMs: 50, databaseWorkspaceConnections: 1 }));
      after(() => t?.close());

      test('answers 503 with Retry-After when nothing ran, and envelopes for what did not once something did', async () => {
        const workspace = (await t.storage.getWorkspaceBySlug('demo'))!;
        let release!: () => void;
        // Work of the same workspace holds the write lock (SQLite) or the workspace's one connection
        // (PostgreSQL) in a transaction that waits.
        const { held } = await new Promise<{ held: Promise<void> }>((holding) => {
          const scope = { key: workspace.id, check() {}, watch: () => () => {} };
          const transaction = t.storage.scoped(scope).transaction(async (tx) => {
            await tx.getSchemaVersion(workspace.id);
            holding({ held: transaction });
            await new Promise<void>((resolve) => {
              release = resolve;
            });
          });
        });
        const busy = await t.app.inject({
          method: 'POST',
          url: '/api/commands',
          headers: { authorization: `Token ${token}` },
          payload: create('Refused'),
        });
        assert.equal(busy.statusCode, 503, busy.body);
        assert.equal(busy.json().error.code, 'DATABASE_BUSY');
        assert.equal(busy.headers['retry-after'], '1');
        if (backend.name === 'sqlite') {
          // Reads need no lock: the query runs, the write after it is reported not run.
          const [read, write, never] = await post([search, create('Refused'), search]);
          assert.equal(read.success, true);
          assert.equal(write.result.name, 'command.error/database-busy');
          assert.equal(never.result.name, 'command.error/database-busy');
        }
        release();
        await held;
        assert.equal(await players(), 1, 'nothing refused was written');
      });
    });
  });
}
