export type { SqliteSynchronous } from './sqlite-connection.ts';
export { createSqliteDriver } from './sqlite-driver.ts';
