import type { Clock } from '../clock.ts';
import type { Repositories, Storage } from './contract.ts';
import { runMigrations } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import {
  createAccountRepository,
  createOAuthRepository,
  createSchemaRepository,
  createSessionRepository,
  createTokenRepository,
} from './repositories/index.ts';
import type { SqlDriver, SqlExecutor } from './sql-driver.ts';

function createRepositories(db: SqlExecutor): Repositories {
  return {
    ...createAccountRepository(db),
    ...createTokenRepository(db),
    ...createOAuthRepository(db),
    ...createSessionRepository(db),
    ...createSchemaRepository(db),
    queryRows: (sql, params) => db.query(sql, params),
  };
}

/**
 * The storage contract over a SQL driver; the same code serves SQLite and PostgreSQL. Its scoped
 * storages share its `dataVersion` function, so caches keyed by it serve them all.
 */
export function createSqlStorage(driver: SqlDriver, clock: Clock = Date): Storage {
  const dataVersion = () => driver.dataVersion();
  const over = (executor: SqlDriver): Storage => ({
    ...createRepositories(executor),
    dialect: driver.dialect,
    transaction: (work, options) => executor.transaction((tx) => work(createRepositories(tx)), options),
    scoped: (scope) => over(driver.scoped(scope)),
    migrate: () => runMigrations(driver, migrations, clock.now()),
    dataVersion,
    ping: () => executor.ping(),
    close: () => driver.close(),
  });
  return over(driver);
}
