/**
 * What differs between the databases Weft stores in, in one object per database: the query compiler,
 * the schema batch, the migrations and the repositories ask it instead of testing which database it
 * is, so a database is added by writing one more of these. Both give the same answers: text compares
 * and sorts bytewise, sums do not overflow, NULLs sort first ascending.
 */
import type { Dialect } from '../sql-driver.ts';

/** The SQL type of a JSON list's elements, for `inJsonList`. */
export type ListElementType = 'text' | 'bigint' | 'double' | 'boolean';

export interface SqlDialect {
  readonly name: Dialect;
  /** `expr` as ordered (`<`, ORDER BY, min, max) when it is text: bytewise. */
  bytewise(expr: string): string;
  /** `expr IN` the elements of the JSON array bound as `list` (one parameter, whatever its length). */
  inJsonList(expr: string, list: string, element: ListElementType): string;
  /** Whether `needle` occurs in `haystack` (NULL if either is). */
  contains(haystack: string, needle: string): string;
  /** `sum` as a double that does not overflow, 0 over no rows. */
  sum(expr: string): string;
  /** The average, as the sum over the count (NULL over no rows). */
  average(expr: string): string;
  /** The value under `key` of a JSON object stored as text, as text. */
  jsonText(json: string, key: string): string;
  /** The value under `key` of a JSON object stored as text, as a whole number. */
  jsonInteger(json: string, key: string): string;
  /** What a SELECT with an OFFSET and no LIMIT needs before its OFFSET. */
  readonly offsetWithoutLimit: string;
  /** An entity table and its indexes (Fibery's default order: creation date, then id bytewise). */
  createEntityTable(table: string): string[];
  /** A join table of links `a` → `b`, indexed both ways. */
  createJoinTable(table: string): string[];
  /** The index on (creation date, id) that gives an entity table its default order. */
  creationOrderIndex(table: string): string;
  /** Locks one row of `table` by id until the transaction ends; null where the transaction holds the database. */
  lockRow(table: string): string | null;
  /** Statements that make concurrent migrations wait for each other, inside their transaction. */
  readonly migrationLock: string[];
}
