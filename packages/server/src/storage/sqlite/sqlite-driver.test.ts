import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DatabaseBusyError, type SqlExecutor } from '../sql-driver.ts';
import { openSqliteConnection } from './sqlite-connection.ts';
import { createSqliteDriver } from './sqlite-driver.ts';

test('binds $n placeholders in any order and more than once, and booleans as 0/1', async () => {
  const db = createSqliteDriver(':memory:');
  const [row] = await db.query<{ a: number; b: string; c: number; d: number }>(
    'SELECT $2 AS a, $1 AS b, $2 AS c, $3 AS d',
    ['x', 7, true],
  );
  assert.deepEqual({ ...row }, { a: 7, b: 'x', c: 7, d: 1 });
  await db.close();
});

test('says which parameter is missing instead of binding undefined', async () => {
  const db = createSqliteDriver(':memory:');
  await assert.rejects(db.query('SELECT $1, $2', ['only one']), /\$2 is missing/);
  await db.close();
});

test('keeps other statements out of a transaction while its async work runs', async () => {
  const db = createSqliteDriver(':memory:');
  await db.exec('CREATE TABLE t (n INTEGER)');
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tx = db.transaction(async (t) => {
    await t.run('INSERT INTO t (n) VALUES (1)');
    await gate;
    throw new Error('roll back');
  });
  const outside = db.query<{ count: number }>('SELECT count(*) AS count FROM t');
  release();
  await assert.rejects(tx, /roll back/);
  assert.equal(
    (await outside)[0]!.count,
    0,
    'the outside read ran after the rollback, not inside the transaction',
  );
  await db.close();
});

/** A database file in a folder of its own, removed when the test process exits. */
const madeDirs: string[] = [];
process.once('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});
const fileDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-sqlite-'));
  madeDirs.push(dir);
  return join(dir, 'weft.db');
};

describe('dataVersion', () => {
  test("moves on every other connection's commit, across WAL restarts, and only then", async () => {
    const file = fileDb();
    const server = createSqliteDriver(file);
    const cli = createSqliteDriver(file);
    await cli.exec('CREATE TABLE t (n INTEGER)');
    let version = server.dataVersion();
    assert.equal(server.dataVersion(), version, 'nothing committed: the same version');
    for (let i = 0; i < 20; i++) {
      await cli.run('INSERT INTO t (n) VALUES ($1)', [i]);
      // Every fifth commit follows a checkpoint that empties the WAL, so the next commit restarts it.
      if (i % 5 === 4) await cli.query('PRAGMA wal_checkpoint(TRUNCATE)');
      const next = server.dataVersion();
      assert.notEqual(next, version, `commit ${i + 1} by the other connection is seen`);
      version = next;
      assert.equal(server.dataVersion(), version);
    }
    await cli.close();
    await server.close();
  });

  test('a second driver of the same file keeps working after the first closes', async () => {
    const file = fileDb();
    const first = createSqliteDriver(file);
    const second = createSqliteDriver(file);
    await first.exec('CREATE TABLE t (n INTEGER)');
    await first.close();
    const version = second.dataVersion();
    const writer = createSqliteDriver(file);
    await writer.run('INSERT INTO t (n) VALUES (1)');
    assert.notEqual(second.dataVersion(), version);
    assert.deepEqual(await second.query('SELECT n FROM t'), [{ n: 1 }]);
    await writer.close();
    await second.close();
  });

  test('counts its own writes, and an in-memory database works too', async () => {
    const db = createSqliteDriver(':memory:');
    await db.exec('CREATE TABLE t (n INTEGER)');
    const version = db.dataVersion();
    await db.run('INSERT INTO t (n) VALUES (1)');
    assert.notEqual(db.dataVersion(), version);
    await db.close();
    assert.equal(db.dataVersion(), null, 'closed: no version');
  });
});

test('keeps at most its budget of SQL prepared, and reopens the connection once as much was evicted', () => {
  const connection = openSqliteConnection(fileDb(), {
    busyTimeoutMs: 1000,
    synchronous: 'full',
    cacheBytes: 1000,
  });
  const first = connection.db;
  // Each statement is about 100 characters: ten fill the budget.
  const sql = (i: number) => `SELECT ${i} AS n, '${'x'.repeat(80)}' AS padding`;
  for (let i = 0; i < 10; i++) {
    connection.all(sql(i), []);
    assert.ok(connection.cachedBytes <= 1000);
    connection.recycleIfDue();
  }
  assert.equal(connection.db, first, 'nothing evicted yet: the same connection');
  for (let i = 10; i < 21; i++) {
    connection.all(sql(i), []);
    assert.ok(connection.cachedBytes <= 1000, `${connection.cachedBytes} bytes prepared`);
    connection.recycleIfDue();
  }
  assert.notEqual(connection.db, first, 'a budget evicted: reopened, every statement finalized');
  assert.deepEqual(connection.all(sql(1), []), [{ n: 1, padding: 'x'.repeat(80) }]);
  connection.close();
});

describe('connections of a database file', () => {
  async function setup(options = {}) {
    const db = createSqliteDriver(fileDb(), options);
    await db.exec('CREATE TABLE t (n INTEGER)');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const count = async (executor: SqlExecutor = db) =>
      (await executor.query<{ n: number }>('SELECT count(*) AS n FROM t'))[0]!.n;
    return { db, gate, release, count };
  }

  test('a read outside a transaction neither waits for a writing one nor sees its rows', async () => {
    const { db, gate, release, count } = await setup();
    const writing = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (n) VALUES (1)');
      await gate;
    });
    assert.equal(await count(), 0, 'read while the transaction is open, without its row');
    release();
    await writing;
    assert.equal(await count(), 1);
    await db.close();
  });

  test('a read-only transaction reads one snapshot and holds no lock: writes go on meanwhile', async () => {
    const { db, gate, release, count } = await setup();
    const seen: number[] = [];
    let firstRead!: () => void;
    const readOnce = new Promise<void>((resolve) => {
      firstRead = resolve;
    });
    const reading = db.transaction(
      async (tx) => {
        seen.push(await count(tx));
        firstRead();
        await gate;
        seen.push(await count(tx));
      },
      { readOnly: true },
    );
    await readOnce;
    await db.run('INSERT INTO t (n) VALUES (1)');
    release();
    await reading;
    assert.deepEqual(seen, [0, 0], 'the same snapshot before and after the write');
    assert.equal(await count(), 1);
    await db.close();
  });

  test('a write that waits for the write lock longer than the wait limit gets DatabaseBusyError', async () => {
    const { db, gate, release, count } = await setup({ waitLimitMs: 50 });
    const writing = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (n) VALUES (1)');
      await gate;
    });
    await assert.rejects(db.run('INSERT INTO t (n) VALUES (2)'), DatabaseBusyError);
    release();
    await writing;
    assert.equal(await count(), 1, 'the refused write changed nothing');
    await db.close();
  });
});

test('syncs every commit to disk by default (synchronous=FULL); `normal` is a choice', async () => {
  const level = async (options = {}) => {
    const db = createSqliteDriver(fileDb(), options);
    // PRAGMA synchronous is per connection: asked of the writer, which is what commits.
    const [row] = await db.transaction((tx) => tx.query<{ synchronous: number }>('PRAGMA synchronous'));
    await db.close();
    return row!.synchronous;
  };
  assert.equal(await level(), 2, 'FULL');
  assert.equal(await level({ synchronous: 'normal' }), 1, 'NORMAL');
});
