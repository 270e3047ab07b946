/**
 * The rows of one SELECT and what is said about them: the joins a path needs (one LEFT JOIN per
 * distinct to-one path), a condition through a collection as an EXISTS sub-select, an aggregate over a
 * collection as a correlated sub-select. Field SQL comes only from the type model and every value is a
 * bound parameter.
 */
import type { FieldModel } from '../model/index.ts';
import type { AggregateFn, Condition, FieldPath, Step, TextOp } from './ast.ts';
import type { Builder } from './builder.ts';
import { checkQueryLimit } from './query-limits.ts';

export type Leaf = Exclude<Condition, { kind: 'and' | 'or' | 'aggregate' }>;

/** The rows of one SELECT: the joins its paths need, by path. */
export class Scope {
  readonly b: Builder;
  readonly base: string;
  readonly joins: string[] = [];
  readonly #aliases = new Map<string, string>();

  constructor(b: Builder, base: string) {
    this.b = b;
    this.base = base;
  }

  /** The alias of the row at the end of to-one `steps`, joining what is not joined yet. */
  row(steps: Step[]): string {
    let alias = this.base;
    let key = '';
    for (const step of steps) {
      key += `>${step.relation.target}:${JSON.stringify(step.relation.link)}`;
      let next = this.#aliases.get(key);
      if (!next) {
        next = this.b.alias();
        this.#aliases.set(key, next);
        const source = step.target.source(next);
        const { link } = step.relation;
        if (link.kind === 'join') throw new Error('a to-one path goes through a column or its reverse');
        const at = link.at ?? '';
        if (link.kind === 'reverse' && link.at && source.extension) {
          // The column is in the related row's extension table: joined with it, ahead of the condition.
          this.joins.push(
            `LEFT JOIN (${source.table} JOIN ${source.extension}) ON ${next}${at}.${link.column} = ${alias}.id`,
            ...source.joins.filter((j) => j !== source.extension).map((j) => `LEFT JOIN ${j}`),
          );
        } else {
          const on =
            link.kind === 'column'
              ? `${next}.id = ${alias}${at}.${link.column}`
              : `${next}${at}.${link.column} = ${alias}.id`;
          this.joins.push(`LEFT JOIN ${source.table} ON ${on}`, ...source.joins.map((j) => `LEFT JOIN ${j}`));
        }
        this.b.joins += 1 + source.joins.length;
        checkQueryLimit('joins', this.b.joins);
      }
      alias = next;
    }
    return alias;
  }

  /** SQL of a to-one path; `[relation, "fibery/id"]` reads the relation's column without a join. */
  expr(path: FieldPath): string {
    const last = path.steps[path.steps.length - 1];
    if (
      last &&
      last.relation.link.kind === 'column' &&
      path.field === last.target.fields[last.target.idField]
    ) {
      return `${this.row(path.steps.slice(0, -1))}${last.relation.link.at ?? ''}.${last.relation.link.column}`;
    }
    return path.field.sql(this.row(path.steps), this.b.sql);
  }

  get joinSql(): string {
    return this.joins.map((join) => ` ${join}`).join('');
  }

  /**
   * A sub-select over the items of the collection at step `k` of `path`, for the row it starts from:
   * `body(child, rest)` gives its select list (or condition) from the items' scope and the rest of
   * the path; the result is `(SELECT … FROM items WHERE they belong to the row …)`.
   */
  overItems(
    path: FieldPath,
    k: number,
    body: (child: Scope, rest: FieldPath) => { select: string; where?: string },
  ): string {
    const holder = this.row(path.steps.slice(0, k));
    const step = path.steps[k]!;
    checkQueryLimit('subSelects', ++this.b.subSelects);
    const r = this.b.alias();
    const child = new Scope(this.b, r);
    const { from, parentKey } = this.b.collectionSource(step.relation, step.target, r);
    const { select, where } = body(child, { ...path, steps: path.steps.slice(k + 1) });
    return `(SELECT ${select} FROM ${from}${child.joinSql} WHERE ${parentKey} = ${holder}.id${where ? ` AND ${where}` : ''})`;
  }

  /** A leaf condition through a collection: "some item matches". */
  throughCollection(path: FieldPath, k: number, test: (scope: Scope, path: FieldPath) => string): string {
    return `EXISTS ${this.overItems(path, k, (child, rest) => ({ select: '1', where: child.leaf(rest, test) }))}`;
  }

  leaf(path: FieldPath, test: (scope: Scope, path: FieldPath) => string): string {
    const k = path.steps.findIndex((step) => step.relation.collection);
    return k === -1 ? test(this, path) : this.throughCollection(path, k, test);
  }

  condition(node: Condition): string {
    if (node.kind === 'and' || node.kind === 'or') {
      const items = node.items.map((item) => this.condition(item));
      return `(${items.join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
    }
    if (node.kind === 'aggregate') return this.aggregateCondition(node);
    // Through a collection a negative test reads "no item matches the positive one".
    const leaf = node as Leaf;
    if (leaf.path.steps.some((step) => step.relation.collection)) {
      const positive = this.leaf(leaf.path, (scope, path) => scope.positive(leaf, path));
      return isNegative(leaf) ? `NOT ${positive}` : positive;
    }
    return this.rowTest(leaf);
  }

  /** An aggregate over each row's collection compared with a value. */
  aggregateCondition(node: Condition & { kind: 'aggregate' }): string {
    const b = this.b;
    const aggregate = this.aggregate(node.fn, node.path);
    // A minimum or maximum of text compares bytewise, like the text it comes from.
    const result = node.fn === 'min' || node.fn === 'max' ? b.collate(aggregate, node.path.field) : aggregate;
    const value = b.bind(node.value);
    // An empty collection's minimum or maximum is NULL, which `!=` counts as different.
    return node.op === '!='
      ? `(${result} <> ${value} OR ${result} IS NULL)`
      : `${result} ${node.op} ${value}`;
  }

  /** A leaf condition on the row's own value, or one at the end of to-one steps. */
  rowTest(condition: Leaf): string {
    const b = this.b;
    const column = this.expr(condition.path);
    const field = condition.path.field;
    switch (condition.kind) {
      case 'compare': {
        if (condition.value === null) return `${column} IS ${condition.op === '=' ? '' : 'NOT '}NULL`;
        const compared = b.compared(column, condition.op, field);
        // `!=` keeps rows where the field is NULL, as "not equal to the value" reads.
        if (condition.op === '!=') return `(${compared} <> ${b.bind(condition.value)} OR ${column} IS NULL)`;
        return `${compared} ${condition.op} ${b.bind(condition.value)}`;
      }
      case 'in': {
        if (condition.values.length === 0) return condition.negate ? '1 = 1' : '1 = 0';
        const test = b.inList(column, condition.values, field.kind);
        return condition.negate ? `(NOT ${test} OR ${column} IS NULL)` : test;
      }
      case 'null': {
        const test = `(${column} IS NULL${orEmpty(condition, column, field)})`;
        return condition.expected ? test : `NOT ${test}`;
      }
      case 'text':
        return this.text(condition.op, condition.negate, asText(column, field), condition.value);
    }
  }

  /** The positive form of a leaf, for an item of a collection. */
  positive(condition: Leaf, path: FieldPath): string {
    const b = this.b;
    const column = this.expr(path);
    switch (condition.kind) {
      case 'compare': {
        if (condition.value === null) return `${column} IS NOT NULL`;
        const op = condition.op === '!=' ? '=' : condition.op;
        return `${b.compared(column, op, path.field)} ${op} ${b.bind(condition.value)}`;
      }
      case 'in':
        if (condition.values.length === 0) return '1 = 0';
        return b.inList(column, condition.values, path.field.kind);
      case 'null':
        return `NOT (${column} IS NULL${orEmpty(condition, column, path.field)})`;
      case 'text':
        return this.text(condition.op, false, asText(column, path.field), condition.value);
    }
  }

  /** A text test of `column`, or its negation; a NULL column passes the negation only. */
  text(op: TextOp, negate: boolean, column: string, raw: string): string {
    const test = this.textTest(op, column, this.b.text(raw));
    return negate ? `NOT COALESCE(${test}, FALSE)` : `COALESCE(${test}, FALSE)`;
  }

  textTest(op: TextOp, column: string, value: string): string {
    const lower = `weft_lower(${column})`;
    switch (op) {
      case 'contains':
        return this.b.sql.contains(column, value);
      case 'contains-ignoring-case':
        return this.b.sql.contains(lower, `weft_lower(${value})`);
      case 'equals-ignoring-case':
        return `${lower} = weft_lower(${value})`;
      case 'starts-with-ignoring-case':
        return `weft_lower(substr(${column}, 1, length(${value}))) = weft_lower(${value})`;
      case 'ends-with-ignoring-case':
        return `(length(${column}) >= length(${value}) AND weft_lower(substr(${column}, length(${column}) - length(${value}) + 1)) = weft_lower(${value}))`;
    }
  }

  /** An aggregate over the rows of a collection (per row), or over the scope's rows. */
  aggregate(fn: AggregateFn, path: FieldPath): string {
    const k = path.steps.findIndex((step) => step.relation.collection);
    if (k === -1) return this.b.aggregate(fn, this.expr(path), path);
    return this.overItems(path, k, (child, rest) => ({
      select: this.b.aggregate(fn, child.expr(rest), rest),
    }));
  }
}

/** Whether a leaf is negative: through a collection it reads "no item matches its positive form". */
const isNegative = (condition: Leaf) =>
  (condition.kind === 'compare' && condition.op === '!=' && condition.value !== null) ||
  (condition.kind === 'compare' && condition.op === '=' && condition.value === null) ||
  (condition.kind === 'in' && condition.negate) ||
  (condition.kind === 'text' && condition.negate) ||
  (condition.kind === 'null' && condition.expected);

/** `q/null-or-empty?` also takes the empty text (not for booleans, which have none). */
const orEmpty = (condition: Condition & { kind: 'null' }, column: string, field: FieldModel) =>
  condition.orEmpty && field.kind !== 'boolean' ? ` OR CAST(${column} AS TEXT) = ''` : '';

/** A field as text operators read it: public ids are stored as numbers and read as Fibery's text. */
const asText = (column: string, field: FieldModel) =>
  field.kind === 'number-text' ? `CAST(${column} AS TEXT)` : column;
