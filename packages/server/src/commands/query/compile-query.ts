/**
 * A parsed query → SQL for SQLite or PostgreSQL, and its execution. Field SQL comes only from the
 * type model and every value is a bound parameter. Both databases give the same answers: text
 * compares and sorts bytewise (`COLLATE "C"` on PostgreSQL, SQLite's default), NULLs sort first
 * ascending, and ties are broken by the type's id field.
 *
 * To-one paths become LEFT JOINs (one per distinct path); a condition through a collection is an
 * EXISTS sub-select; an aggregate over a collection is a correlated sub-select. A collection
 * sub-query runs as one more statement per level, for all parent rows at once (the parent ids are
 * one JSON parameter), with `ROW_NUMBER()` applying its limit per parent: never one per row.
 */
import type { Dialect, SqlValue } from '../../storage/index.ts';
import type {
  AggregateFn,
  CompareOp,
  Condition,
  FieldPath,
  ParsedQuery,
  SelectNode,
  Step,
} from './parse-query.ts';
import { checkQueryLimit } from './query-limits.ts';
import type { FieldKind, FieldModel, RelationModel } from './type-model.ts';

/** Kinds stored as text: compared and ordered bytewise (`COLLATE "C"` on PostgreSQL). */
const TEXT_KINDS = new Set<FieldKind>(['text', 'email', 'uuid', 'date', 'json']);
/** The PostgreSQL type a kind's values take out of a JSON list (text kinds need no cast). */
const PG_LIST_TYPES: Partial<Record<FieldKind, string>> = {
  integer: 'BIGINT',
  'number-text': 'BIGINT',
  'date-time': 'BIGINT',
  decimal: 'DOUBLE PRECISION',
  boolean: 'BOOLEAN',
};

class Builder {
  readonly params: SqlValue[] = [];
  readonly dialect: Dialect;
  #aliases = 0;
  /** Tables joined and sub-selects made so far, for QUERY_LIMITS. */
  joins = 0;
  subSelects = 0;

  constructor(dialect: Dialect) {
    this.dialect = dialect;
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
    const list = this.bind(JSON.stringify(values));
    if (this.dialect === 'sqlite') return `${expr} IN (SELECT value FROM json_each(${list}))`;
    const type = PG_LIST_TYPES[kind];
    const element = `json_array_elements_text(CAST(${list} AS json))`;
    return type
      ? `${expr} IN (SELECT CAST(value AS ${type}) FROM ${element} value)`
      : `${expr} IN (SELECT ${element})`;
  }

  /** The expression as ordered (`<`, `>`, ORDER BY, min, max): bytewise for text on PostgreSQL too. */
  collate(expr: string, field: FieldModel): string {
    return TEXT_KINDS.has(field.kind) && this.dialect === 'postgres' ? `(${expr} COLLATE "C")` : expr;
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

  contains(haystack: string, needle: string): string {
    return this.dialect === 'postgres'
      ? `strpos(${haystack}, ${needle}) > 0`
      : `instr(${haystack}, ${needle}) > 0`;
  }

  /**
   * An aggregate of `expr`, the value at the end of `path`. `count(*)` where the counted value cannot
   * be null, so the database may count from an index; a sum as a double on SQLite (`total`), whose
   * `sum` of integers fails on overflow where PostgreSQL's does not; an average as the sum over the
   * count, since PostgreSQL's `avg` of doubles also sums their squares, which overflow long before the
   * sum does; text bytewise. (NULL / 0 is NULL on both: no rows, no average.)
   */
  aggregate(fn: AggregateFn, expr: string, path: FieldPath): string {
    if (fn === 'count') return isId(path) ? 'count(*)' : `count(${expr})`;
    const sum = this.dialect === 'sqlite' ? `total(${expr})` : `sum(${expr})`;
    if (fn === 'sum') return this.dialect === 'sqlite' ? sum : `COALESCE(${sum}, 0)`;
    if (fn === 'avg') return `(${sum} / count(${expr}))`;
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

type Leaf = Exclude<Condition, { kind: 'and' | 'or' | 'aggregate' }>;

/** The rows of one SELECT: the joins its paths need, by path. */
class Scope {
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
    return path.field.sql(this.row(path.steps), this.b.dialect);
  }

  get joinSql(): string {
    return this.joins.map((join) => ` ${join}`).join('');
  }

  /** A leaf condition through a collection: "some item matches", or "no item matches" when negated. */
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
    const b = this.b;
    if (node.kind === 'and' || node.kind === 'or') {
      const items = node.items.map((item) => this.condition(item));
      return `(${items.join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
    }
    if (node.kind === 'aggregate') {
      const aggregate = this.aggregate(node.fn, node.path);
      // A minimum or maximum of text compares bytewise, like the text it comes from.
      const result =
        node.fn === 'min' || node.fn === 'max' ? b.collate(aggregate, node.path.field) : aggregate;
      const value = b.bind(node.value);
      // An empty collection's minimum or maximum is NULL, which `!=` counts as different.
      return node.op === '!='
        ? `(${result} <> ${value} OR ${result} IS NULL)`
        : `${result} ${node.op} ${value}`;
    }
    const condition = node as Leaf;
    const collection = condition.path.steps.some((step) => step.relation.collection);
    // Through a collection a negative test reads "no item matches the positive one".
    const negative =
      (condition.kind === 'compare' && condition.op === '!=' && condition.value !== null) ||
      (condition.kind === 'in' && condition.negate) ||
      (condition.kind === 'text' && condition.op.startsWith('not-')) ||
      (condition.kind === 'null' && condition.expected) ||
      (condition.kind === 'compare' && condition.value === null && condition.op === '=');
    if (collection) {
      const positive = this.leaf(condition.path, (scope, path) => scope.positive(condition, path));
      return negative ? `NOT ${positive}` : positive;
    }
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
        const test = `(${column} IS NULL${this.orEmpty(condition, column, field)})`;
        return condition.expected ? test : `NOT ${test}`;
      }
      case 'text':
        return this.text(condition.op, asText(column, field), condition.value);
    }
  }

  orEmpty(condition: Condition & { kind: 'null' }, column: string, field: FieldModel): string {
    return condition.orEmpty && field.kind !== 'boolean' ? ` OR CAST(${column} AS TEXT) = ''` : '';
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
        return `NOT (${column} IS NULL${this.orEmpty(condition, column, path.field)})`;
      case 'text':
        return this.text(
          condition.op.replace(/^not-/, '') as typeof condition.op,
          asText(column, path.field),
          condition.value,
        );
    }
  }

  text(op: (Condition & { kind: 'text' })['op'], column: string, raw: string): string {
    const b = this.b;
    const lower = `weft_lower(${column})`;
    const value = b.text(raw);
    switch (op) {
      case 'contains':
        return `COALESCE(${b.contains(column, value)}, FALSE)`;
      case 'not-contains':
        return `NOT COALESCE(${b.contains(column, value)}, FALSE)`;
      case 'contains-ignoring-case':
        return `COALESCE(${b.contains(lower, `weft_lower(${value})`)}, FALSE)`;
      case 'not-contains-ignoring-case':
        return `NOT COALESCE(${b.contains(lower, `weft_lower(${value})`)}, FALSE)`;
      case 'equals-ignoring-case':
        return `${lower} = weft_lower(${value})`;
      case 'not-equals-ignoring-case':
        return `(${lower} <> weft_lower(${value}) OR ${column} IS NULL)`;
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

/** A field as text operators read it: public ids are stored as numbers and read as Fibery's text. */
const asText = (column: string, field: FieldModel) =>
  field.kind === 'number-text' ? `CAST(${column} AS TEXT)` : column;

/** The path ends at the id of the row it starts from, which is never null. */
const isId = (path: FieldPath) => path.steps.length === 0 && path.field.meta['fibery/id?'] === true;

const decodeAggregate = (fn: AggregateFn, field: FieldModel, value: unknown) =>
  value === null || value === undefined
    ? null
    : fn === 'min' || fn === 'max'
      ? field.decode(value)
      : Number(value);

type Row = Record<string, unknown>;
type Shaper = (row: Row) => unknown;

interface Level {
  sql: string;
  params: SqlValue[];
  shape(row: Row): Record<string, unknown>;
  /** Collection sub-queries to run for this level's rows (`_id` holds each row's id). */
  collections: (SelectNode & { kind: 'collection' })[];
}

/** One SELECT of a query (the top one, or a collection sub-query for `parent` ids). */
function compileLevel(
  b: Builder,
  query: ParsedQuery,
  workspaceId: string,
  parent: { relation: RelationModel; ids: string[] } | null,
): Level {
  const t = parent ? b.alias() : 't';
  const scope = new Scope(b, t);
  const type = query.type;
  const columns: string[] = [];
  const column = (sql: string) => {
    checkQueryLimit('columns', columns.length + 1);
    columns.push(`${sql} AS c${columns.length}`);
    return `c${columns.length - 1}`;
  };
  const collections: Level['collections'] = [];

  const where: string[] = [];
  let from: string;
  let parentKey: string | null = null;
  if (parent) {
    const source = b.collectionSource(parent.relation, type, t);
    from = source.from;
    parentKey = source.parentKey;
    where.push(
      parent.ids.length === 1 ? `${parentKey} = ${b.bind(parent.ids[0]!)}` : b.inList(parentKey, parent.ids),
    );
  } else {
    const source = type.source(t);
    from = `${source.table}${source.joins.map((join) => ` LEFT JOIN ${join}`).join('')}`;
  }
  const typeScope = type.scope(t, () => b.bind(workspaceId));
  if (typeScope) where.push(typeScope);
  if (query.where) where.push(scope.condition(query.where));

  if (query.select.kind === 'aggregate') {
    const shapers = query.select.items.map((item) => {
      const c = column(scope.aggregate(item.fn, item.path));
      return [item.key, (row: Row) => decodeAggregate(item.fn, item.path.field, row[c])] as const;
    });
    const sql = `SELECT ${columns.join(', ')} FROM ${from}${scope.joinSql} WHERE ${where.join(' AND ') || '1 = 1'}`;
    return {
      sql,
      params: b.params,
      shape: (row) => Object.fromEntries(shapers.map(([key, shape]) => [key, shape(row)])),
      collections,
    };
  }

  const shaper = (node: SelectNode): Shaper => {
    switch (node.kind) {
      case 'value': {
        const c = column(scope.expr(node.path));
        return (row) => node.path.field.decode(row[c] ?? null);
      }
      case 'aggregate': {
        const c = column(scope.aggregate(node.fn, node.path));
        return (row) => decodeAggregate(node.fn, node.path.field, row[c]);
      }
      case 'collection':
        collections.push(node);
        return () => [];
      case 'object': {
        const present = node.present ? column(scope.expr(node.present)) : null;
        const children = node.children.map((child) => [child.key, shaper(child)] as const);
        return (row) =>
          present !== null && (row[present] ?? null) === null
            ? null
            : Object.fromEntries(children.map(([key, shape]) => [key, shape(row)]));
      }
    }
  };
  const shapers = query.select.nodes.map((node) => [node.key, shaper(node)] as const);

  const id = type.fields[type.idField]!;
  // Fibery's default order, and every order's tie-breakers: creation date, then id.
  const created = type.fields['fibery/creation-date'];
  const own = (field: FieldModel, name: string) => ({
    path: { steps: [], field, name },
    direction: 'asc' as const,
  });
  // Once an order names the row's own id it is total: what follows would only slow it (an index on
  // the id alone would no longer give it).
  const total = query.orderBy.findIndex(({ path }) => path.steps.length === 0 && path.field === id);
  const order = (
    total >= 0
      ? query.orderBy.slice(0, total + 1)
      : [...query.orderBy, ...(created ? [own(created, 'fibery/creation-date')] : []), own(id, type.idField)]
  )
    .map(({ path, direction }) => {
      const expr = b.collate(scope.expr(path), path.field);
      // The type's own id and creation date are never NULL: without a NULLS clause an index on them
      // gives the order (each entity table's index on (creation date, id), bytewise on PostgreSQL).
      if (path.steps.length === 0 && (path.field === id || path.field === created))
        return `${expr} ${direction === 'asc' ? 'ASC' : 'DESC'}`;
      return `${expr} ${direction === 'asc' ? 'ASC NULLS FIRST' : 'DESC NULLS LAST'}`;
    })
    .join(', ');
  const hidden = `${id.sql(t, b.dialect)} AS _id${parentKey ? `, ${parentKey} AS _p` : ''}`;
  const body = `FROM ${from}${scope.joinSql} WHERE ${where.join(' AND ') || '1 = 1'}`;
  const list = [hidden, ...columns].join(', ');
  const shape = (row: Row) => Object.fromEntries(shapers.map(([key, s]) => [key, s(row)]));

  if (parentKey && parent!.ids.length > 1) {
    // The limit and offset apply to each parent's items.
    const n = `ROW_NUMBER() OVER (PARTITION BY ${parentKey} ORDER BY ${order}) AS _n`;
    const range = [
      query.offset > 0 ? `_n > ${b.bind(query.offset)}` : null,
      query.limit !== null ? `_n <= ${b.bind(query.offset + query.limit)}` : null,
    ].filter(Boolean);
    const sql = `SELECT * FROM (SELECT ${list}, ${n} ${body}) s${range.length ? ` WHERE ${range.join(' AND ')}` : ''} ORDER BY _p, _n`;
    return { sql, params: b.params, shape, collections };
  }
  // SQLite takes OFFSET only after a LIMIT; -1 means none there.
  const noLimit = query.offset > 0 && b.dialect === 'sqlite' ? ' LIMIT -1' : '';
  const limit = query.limit === null ? noLimit : ` LIMIT ${b.bind(query.limit)}`;
  const offset = query.offset > 0 ? ` OFFSET ${b.bind(query.offset)}` : '';
  return {
    sql: `SELECT ${list} ${body} ORDER BY ${order}${limit}${offset}`,
    params: b.params,
    shape,
    collections,
  };
}

export interface QueryExecutor {
  dialect: Dialect;
  queryRows(sql: string, params: readonly SqlValue[]): Promise<Row[]>;
}

/** The SQL of a query's first statement (for tests and the bench). */
export function compileQuery(query: ParsedQuery, workspaceId: string, dialect: Dialect) {
  const level = compileLevel(new Builder(dialect), query, workspaceId, null);
  return { sql: level.sql, params: level.params };
}

async function fill(db: QueryExecutor, workspaceId: string, level: Level, rows: Row[], objects: Row[]) {
  for (const node of level.collections) {
    for (const object of objects) object[node.key] = [];
    const ids = [...new Set(rows.map((row) => String(row._id)))];
    if (ids.length === 0) continue;
    const sub = compileLevel(new Builder(db.dialect), node.query, workspaceId, {
      relation: node.relation,
      ids,
    });
    const subRows = await db.queryRows(sub.sql, sub.params);
    const subObjects = subRows.map(sub.shape);
    await fill(db, workspaceId, sub, subRows, subObjects);
    const byParent = new Map<string, Row[]>();
    for (const [i, row] of subRows.entries()) {
      const key = String(row._p);
      const list = byParent.get(key) ?? [];
      if (list.length === 0) byParent.set(key, list);
      list.push(subObjects[i]!);
    }
    for (const [i, row] of rows.entries()) objects[i]![node.key] = byParent.get(String(row._id)) ?? [];
  }
}

/** Runs a parsed query: one statement, plus one per collection sub-query per level. */
export async function executeQuery(
  query: ParsedQuery,
  db: QueryExecutor,
  workspaceId: string,
): Promise<Row[]> {
  const level = compileLevel(new Builder(db.dialect), query, workspaceId, null);
  const rows = await db.queryRows(level.sql, level.params);
  const objects = rows.map(level.shape);
  await fill(db, workspaceId, level, rows, objects);
  return objects;
}
