import type { ListElementType, SqlDialect } from './dialect.ts';

const LIST_TYPES: Record<ListElementType, string | null> = {
  text: null,
  bigint: 'BIGINT',
  double: 'DOUBLE PRECISION',
  boolean: 'BOOLEAN',
};

/**
 * PostgreSQL: text is ordered bytewise with `COLLATE "C"` (equality needs none: deterministic
 * collations call two strings equal only when they are bytewise equal), and only an index on
 * `(id COLLATE "C")` gives that order; `sum` of an empty set is NULL; an average is the sum over the
 * count, since `avg` of doubles also sums their squares, which overflow long before the sum does;
 * a transaction locks the rows it must serialise on, and migrations take an advisory lock.
 */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  bytewise: (expr) => `(${expr} COLLATE "C")`,
  inJsonList(expr, list, element) {
    const items = `json_array_elements_text(CAST(${list} AS json))`;
    const type = LIST_TYPES[element];
    return type
      ? `${expr} IN (SELECT CAST(value AS ${type}) FROM ${items} value)`
      : `${expr} IN (SELECT ${items})`;
  },
  contains: (haystack, needle) => `strpos(${haystack}, ${needle}) > 0`,
  sum: (expr) => `COALESCE(sum(${expr}), 0)`,
  average: (expr) => `(sum(${expr}) / count(${expr}))`,
  jsonText: (json, key) => `(CAST(${json} AS json) ->> '${key}')`,
  jsonInteger: (json, key) => `CAST((CAST(${json} AS json) ->> '${key}') AS BIGINT)`,
  offsetWithoutLimit: '',
  createEntityTable: (table) => [
    `CREATE TABLE ${table} (id TEXT PRIMARY KEY, public_id BIGINT NOT NULL UNIQUE, creation_date BIGINT NOT NULL, modification_date BIGINT NOT NULL, created_by TEXT)`,
    postgresDialect.creationOrderIndex(table),
    // Cursors page by id alone, bytewise (migration 006).
    `CREATE INDEX ${table}_id_c ON ${table} ((id COLLATE "C"))`,
  ],
  createJoinTable: (table) => [
    `CREATE TABLE ${table} (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b))`,
    `CREATE INDEX ${table}_b ON ${table} (b, a)`,
  ],
  creationOrderIndex: (table) =>
    `CREATE INDEX IF NOT EXISTS ${table}_created ON ${table} (creation_date, (id COLLATE "C"))`,
  lockRow: (table) => `SELECT id FROM ${table} WHERE id = $1 FOR UPDATE`,
  migrationLock: [
    // Waiting for another instance's migrations, or migrating a large table, may take longer than
    // the statement timeout that protects requests.
    'SET LOCAL statement_timeout = 0',
    `SELECT pg_advisory_xact_lock(hashtext('weft-migrations:' || current_schema()))`,
  ],
};
