import assert from 'node:assert/strict';
import { test } from 'node:test';
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
