/**
 * How much one `fibery.entity/query` may ask of the database, checked before any SQL is sent. Each
 * bound keeps a query within what both databases take (SQLite joins at most 64 tables and binds at
 * most 32,766 parameters, PostgreSQL selects at most 1,664 columns) and keeps the cost of one
 * statement in proportion to its answer: without them a query of a few kilobytes joined a
 * self-relation thousands of times and held a PostgreSQL backend at 12 GB.
 *
 * The bounds sit far above what real clients send (the n8n node selects every field of a database,
 * one join per relation), and a query that passes them gives the same answer on both databases.
 */
import { commandError } from '../core/index.ts';

export const QUERY_LIMITS = {
  /** Levels of nesting: `q/and` and `q/or` in `q/where`, maps and sub-queries in `q/select`. */
  depth: 64,
  /** Relations one path goes through (`["Space/Parent", "Space/Parent", "Space/Name"]` has 2). */
  pathLength: 16,
  /** Conditions in `q/where`, counting every operator at every level. */
  conditions: 200,
  /** Conditions directly inside one `q/and` or `q/or`. */
  operands: 100,
  /** Values of one `q/in` or `q/not-in` list. */
  listValues: 10_000,
  /** Values one statement selects (fields, relation objects' fields, per-row aggregates). */
  columns: 500,
  /** Terms of `q/order-by`. */
  orderTerms: 16,
  /** Tables joined by one statement for its to-one paths, sub-selects included. */
  joins: 40,
  /** Sub-selects of one statement: conditions and aggregates through collections. */
  subSelects: 32,
  /** Collection sub-queries in `q/select`, at every level (each is one more statement per level). */
  collections: 16,
} as const;

export type QueryLimitName = keyof typeof QUERY_LIMITS;

const WHAT: Record<QueryLimitName, string> = {
  depth: 'levels of nesting',
  pathLength: 'relations in one path',
  conditions: 'conditions in q/where',
  operands: 'conditions in one q/and or q/or',
  listValues: 'values in one q/in list',
  columns: 'selected values',
  orderTerms: 'q/order-by terms',
  joins: 'joined databases (to-one paths)',
  subSelects: 'conditions and aggregates through collections',
  collections: 'collection sub-queries',
};

/** Throws entity.error/query-too-large (or query-too-deep) when `count` is over the limit. */
export function checkQueryLimit(limit: QueryLimitName, count: number): void {
  const max = QUERY_LIMITS[limit];
  if (count <= max) return;
  const name = limit === 'depth' ? 'entity.error/query-too-deep' : 'entity.error/query-too-large';
  throw commandError(name, `The query has more ${WHAT[limit]} than the ${max} one query may have.`, {
    limit,
    max,
  });
}
