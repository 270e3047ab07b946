/** The parts of one compiled statement: its bound parameters, table aliases and dialect's SQL. */
import type { ListElementType, SqlDialect, SqlValue } from '../../storage/index.ts';
import type { FieldKind, FieldModel, RelationModel } from '../model/index.ts';
import type { AggregateFn, CompareOp, FieldPath, Step } from './ast.ts';

/** Kinds stored as text: compared and ordered bytewise. */
const TEXT_KINDS = new Set<FieldKind>(['text', 'email', 'uuid', 'date', 'json']);
/** The type a kind's values take out of a JSON list. */
const LIST_ELEMENTS: Partial<Record<FieldKind, ListElementType>> = {
  integer: 'bigint',
  'number-text': 'bigint',
  'date-time': 'bigint',
  decimal: 'double',
  boolean: 'boolean',
};

export class Builder {
  readonly params: SqlValue[] = [];
  readonly sql: SqlDialect;
  #aliases = 0;
  /** Tables joined and sub-selects made so far, for QUERY_LIMITS. */
  joins = 0;
  subSelects = 0;

  constructor(sql: SqlDialect) {
    this.sql = sql;
  }

  bind(value: SqlValue): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  alias(): string {
    this.#aliases += 1;
    return `j${this.#aliases}`;
  }

  text(value: string): string {
    return `CAST(${this.bind(value)} AS TEXT)`;
  }

  /**
   * `expr IN (the values)`, the values bound as one JSON array: the statement is the same whatever
   * the list's length, so it is prepared (and cached) once, and never runs into a database's limit
   * on parameters.
   */
  inList(expr: string, values: readonly (string | number | boolean)[], kind: FieldKind = 'text'): string {
    return this.sql.inJsonList(expr, this.bind(JSON.stringify(values)), LIST_ELEMENTS[kind] ?? 'text');
  }

  /** The expression as ordered (`<`, `>`, ORDER BY, min, max): bytewise for text. */
  collate(expr: string, field: FieldModel): string {
    return TEXT_KINDS.has(field.kind) ? this.sql.bytewise(expr) : expr;
  }

  /**
   * The left side of `expr op value`. Equality (`=`, `!=`, and `q/in`, which takes the bare column
   * too) needs no COLLATE: PostgreSQL's deterministic collations, every database default among them,
   * call two strings equal only when they are bytewise equal, so the answer is the same, and the
   * column's index serves it (with the COLLATE, a lookup by id or by a relation scanned the table).
   */
  compared(expr: string, op: CompareOp, field: FieldModel): string {
    return op === '=' || op === '!=' ? expr : this.collate(expr, field);
  }

  /**
   * An aggregate of `expr`, the value at the end of `path`. `count(*)` where the counted value cannot
   * be null, so the database may count from an index; sums and averages as the dialect computes them
   * without overflow; text bytewise.
   */
  aggregate(fn: AggregateFn, expr: string, path: FieldPath): string {
    if (fn === 'count') return isId(path) ? 'count(*)' : `count(${expr})`;
    if (fn === 'sum') return this.sql.sum(expr);
    if (fn === 'avg') return this.sql.average(expr);
    return `${fn}(${this.collate(expr, path.field)})`;
  }

  /** Rows of a collection's items (alias `r`) and the expression holding their holder's id. */
  collectionSource(relation: RelationModel, target: Step['target'], r: string) {
    const source = target.source(r);
    const joins = source.joins.map((join) => ` LEFT JOIN ${join}`).join('');
    const { link } = relation;
    this.joins += source.joins.length;
    if (link.kind === 'join') {
      const j = this.alias();
      return {
        from: `${link.table} ${j} JOIN ${source.table} ON ${r}.id = ${j}.${link.other}${joins}`,
        parentKey: `${j}.${link.self}`,
      };
    }
    if (link.kind === 'reverse')
      return { from: `${source.table}${joins}`, parentKey: `${r}${link.at ?? ''}.${link.column}` };
    throw new Error('a collection is stored in a join table or its partner column');
  }
}

/** The path ends at the id of the row it starts from, which is never null. */
export const isId = (path: FieldPath) => path.steps.length === 0 && path.field.meta['fibery/id?'] === true;
