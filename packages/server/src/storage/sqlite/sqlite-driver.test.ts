import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
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

describe('dataVersion', () => {
  const fileDb = () => join(mkdtempSync(join(tmpdir(), 'weft-dv-')), 'weft.db');

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
