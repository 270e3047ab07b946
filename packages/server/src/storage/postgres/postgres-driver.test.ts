import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DatabaseBusyError, type SqlScope } from '../sql-driver.ts';
import { createPostgresDriver } from './postgres-driver.ts';

const url = process.env.WEFT_TEST_DATABASE_URL;

/** A scope of `key` that stops (throwing `reason`) once `stop()` is called. */
function stoppableScope(key: string) {
  let stopped = false;
  const watchers = new Set<() => void>();
  const scope: SqlScope = {
    key,
    check() {
      if (stopped) throw new Error(`${key} was stopped`);
    },
    watch(stop) {
      watchers.add(stop);
      return () => watchers.delete(stop);
    },
  };
  return {
    scope,
    stop() {
      stopped = true;
      for (const stop of watchers) stop();
    },
  };
}

describe('the PostgreSQL driver under load', {
  skip: url ? false : 'WEFT_TEST_DATABASE_URL is not set',
}, () => {
  /** Backends running a statement that carries `marker`. */
  const running = async (db: ReturnType<typeof createPostgresDriver>, marker: string) =>
    (
      await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1",
        [`%${marker}%`],
      )
    )[0]!.n;

  test("one workspace holds at most its share of the connections; another's work goes on meanwhile", async () => {
    const db = createPostgresDriver(url!, { poolSize: 4, keyConnections: 2 });
    const a = db.scoped(stoppableScope('A').scope);
    const b = db.scoped(stoppableScope('B').scope);
    const slow = [1, 2, 3].map(() => a.query('SELECT pg_sleep(1) /* share-a */'));
    const quick = await b.query<{ one: number }>('SELECT 1 AS one');
    assert.deepEqual(quick, [{ one: 1 }]);
    // Connections open at their own pace under load: wait until two of A's run, then look again.
    while ((await running(db, 'share-a')) < 2) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await running(db, 'share-a'), 2, "A's third statement waits for one of its two");
    await Promise.all(slow);
    await db.close();
  });

  test('a pool with no connection free within the wait limit answers DatabaseBusyError', async () => {
    const db = createPostgresDriver(url!, { poolSize: 1, waitLimitMs: 100 });
    let release!: () => void;
    const held = db.transaction(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    await assert.rejects(db.query('SELECT 1'), DatabaseBusyError);
    release();
    await held;
    assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }], 'free again once released');
    await db.close();
  });

  test('a statement running when its scope stops is cancelled at once, with the scope’s error', async () => {
    const db = createPostgresDriver(url!);
    const { scope, stop } = stoppableScope('A');
    const started = performance.now();
    const sleeping = db.scoped(scope).query('SELECT pg_sleep(30) /* cancel-me */');
    while ((await running(db, 'cancel-me')) === 0) await new Promise((resolve) => setImmediate(resolve));
    stop();
    await assert.rejects(sleeping, /A was stopped/);
    assert.ok(performance.now() - started < 10_000, 'ended long before the 30 s sleep');
    assert.equal(await running(db, 'cancel-me'), 0, 'nothing left running on the server');
    await db.close();
  });

  test('statement_timeout ends any statement that runs longer', async () => {
    const db = createPostgresDriver(url!, { statementTimeoutMs: 100 });
    await assert.rejects(
      db.query('SELECT pg_sleep(5)'),
      (error: Error & { code?: string }) => error.code === '57014',
    );
    await db.close();
  });
});
