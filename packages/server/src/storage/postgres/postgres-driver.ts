import pg from 'pg';
import type { SqlDriver, SqlExecutor, SqlValue } from '../sql-driver.ts';

const INT8_OID = 20;

/**
 * PostgreSQL through a `pg` pool. BIGINT columns hold epoch milliseconds and counters, all far below
 * 2^53, so they are read as numbers rather than strings (a parser on this pool only, not global).
 */
export function createPostgresDriver(
  connectionString: string,
  { max = 10, connectTimeoutMs = 5000 } = {},
): SqlDriver {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: connectTimeoutMs,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});

  function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
    return {
      dialect: 'postgres',
      async query<Row>(sql: string, params: readonly SqlValue[] = []) {
        const result = await client.query(sql, params as SqlValue[]);
        return result.rows as Row[];
      },
      async run(sql: string, params: readonly SqlValue[] = []) {
        const result = await client.query(sql, params as SqlValue[]);
        return result.rowCount ?? 0;
      },
      async exec(sql: string) {
        await client.query(sql);
      },
    };
  }

  return {
    ...executor(pool),
    async transaction(work) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        // A client whose rollback failed is in an unknown state: destroy it instead of reusing it.
        client.release(broken);
      }
    },
    // No cheap cross-instance change signal: callers read the rows they need on every request.
    dataVersion: () => null,
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
