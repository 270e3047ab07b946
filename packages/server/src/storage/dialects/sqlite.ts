import type { SqlDialect } from './dialect.ts';

/**
 * SQLite: text compares bytewise already; `total` sums as a double (its `sum` of integers fails on
 * overflow); entity and join tables are clustered by their key (WITHOUT ROWID), so rows are stored in
 * id order and a lookup by id is one B-tree search (a filtered scan of 99,000 rows took 6 ms instead of
 * 77 ms); BEGIN IMMEDIATE holds the write lock for a whole transaction, so no row lock is needed.
 */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  bytewise: (expr) => expr,
  inJsonList: (expr, list) => `${expr} IN (SELECT value FROM json_each(${list}))`,
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
  sum: (expr) => `total(${expr})`,
  average: (expr) => `(total(${expr}) / count(${expr}))`,
  jsonText: (json, key) => `json_extract(${json}, '$.${key}')`,
  jsonInteger: (json, key) => `json_extract(${json}, '$.${key}')`,
  // SQLite takes OFFSET only after a LIMIT; -1 means none.
  offsetWithoutLimit: ' LIMIT -1',
  createEntityTable: (table) => [
    `CREATE TABLE ${table} (id TEXT PRIMARY KEY, public_id BIGINT NOT NULL UNIQUE, creation_date BIGINT NOT NULL, modification_date BIGINT NOT NULL, created_by TEXT) WITHOUT ROWID`,
    sqliteDialect.creationOrderIndex(table),
  ],
  createJoinTable: (table) => [
    `CREATE TABLE ${table} (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID`,
    `CREATE INDEX ${table}_b ON ${table} (b, a)`,
  ],
  creationOrderIndex: (table) =>
    `CREATE INDEX IF NOT EXISTS ${table}_created ON ${table} (creation_date, id)`,
  lockRow: () => null,
  migrationLock: [],
};
