/**
 * Checks a `fibery.entity/query` query against the type model and turns it into a small tree the
 * compiler can trust: every field and path resolved, every value taken from `params` and encoded for
 * its field. Fibery's rule that values go through `$params` (never inline) is kept. `null` counts as
 * absent for every clause (Fibery's Android client sends them).
 *
 * Paths (`["Cricket/Current Team", "Cricket/Name"]`) go through to-one relations in `q/select`,
 * `q/where` and `q/order-by`; in `q/where` and in aggregates they may also go through a collection,
 * meaning "any of its items". A collection is selected with a sub-query of its own.
 */

import { didYouMean } from '../../text/suggest.ts';
import { commandError, quote, show, typeNotFound } from '../command-error.ts';
import { isObject } from '../is-object.ts';
import { checkAggregate, checkOrderedOperator, checkTextOperator } from './check-operand-type.ts';
import { checkStorableText, PRIMITIVE_TYPES } from './primitive-types.ts';
import { checkQueryLimit } from './query-limits.ts';
import { type FieldModel, fieldOf, type RelationModel, type TypeModel } from './type-model.ts';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type TextOp =
  | 'contains'
  | 'not-contains'
  | 'equals-ignoring-case'
  | 'not-equals-ignoring-case'
  | 'starts-with-ignoring-case'
  | 'ends-with-ignoring-case'
  | 'contains-ignoring-case'
  | 'not-contains-ignoring-case';
export type AggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max';

/** One hop through a relation field of the row before it. */
export interface Step {
  relation: RelationModel;
  /** The related database. */
  target: TypeModel;
}

/** A field reached from the query's row through `steps` (empty for the row's own field). */
export interface FieldPath {
  steps: Step[];
  /** The field at the end of the path, of the last step's target. */
  field: FieldModel;
  /** The path as written, for messages. */
  name: string;
}

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'compare'; op: CompareOp; path: FieldPath; value: string | number | boolean | null }
  | { kind: 'in'; negate: boolean; path: FieldPath; values: (string | number | boolean)[] }
  | { kind: 'text'; op: TextOp; path: FieldPath; value: string }
  | { kind: 'null'; path: FieldPath; orEmpty: boolean; expected: boolean }
  /** `["=", ["q/count", ["Space/Collection", "fibery/id"]], "$n"]`: an aggregate over a row's collection. */
  | { kind: 'aggregate'; op: CompareOp; fn: AggregateFn; path: FieldPath; value: string | number | boolean };

export type SelectNode =
  /** A value: a field of the row, or at the end of to-one steps. */
  | { kind: 'value'; key: string; path: FieldPath }
  /** A nested object; `null` when `present` (a to-one relation's id) is null. */
  | { kind: 'object'; key: string; present: FieldPath | null; children: SelectNode[] }
  /** A collection field of the row, read by a sub-query of its own. */
  | { kind: 'collection'; key: string; relation: RelationModel; query: ParsedQuery }
  /** An aggregate over a collection of the row. */
  | { kind: 'aggregate'; key: string; fn: AggregateFn; path: FieldPath };

export type Selection =
  | { kind: 'rows'; nodes: SelectNode[] }
  /** Aggregates over all rows the query matches: one result row. */
  | { kind: 'aggregate'; items: { key: string; fn: AggregateFn; path: FieldPath }[] };

export interface ParsedQuery {
  type: TypeModel;
  select: Selection;
  where: Condition | null;
  orderBy: { path: FieldPath; direction: 'asc' | 'desc' }[];
  /** null: no limit (`q/no-limit`). */
  limit: number | null;
  offset: number;
}

export interface QueryLimits {
  defaultLimit: number;
  maxLimit: number;
}

const COMPARE_OPS = new Set<string>(['=', '!=', '<', '<=', '>', '>=']);
const TEXT_OPS: Record<string, TextOp> = {
  // Fibery's search boxes and filters: case is ignored, as the n8n node's entity picker and its
  // "contains" filter expect (it sends q/contains; for "is" and "starts with", the -ignoring-case?).
  'q/contains': 'contains-ignoring-case',
  'q/not-contains': 'not-contains-ignoring-case',
  // What the n8n node sends for "does not contain".
  'q/does_not_contain': 'not-contains-ignoring-case',
  // The predicates match case exactly.
  'q/contains?': 'contains',
  'q/not-contains?': 'not-contains',
  'q/equals-ignoring-case?': 'equals-ignoring-case',
  'q/not-equals-ignoring-case?': 'not-equals-ignoring-case',
  'q/starts-with-ignoring-case?': 'starts-with-ignoring-case',
  'q/ends-with-ignoring-case?': 'ends-with-ignoring-case',
  'q/contains-ignoring-case?': 'contains-ignoring-case',
  'q/not-contains-ignoring-case?': 'not-contains-ignoring-case',
};
const NULL_FUNCTIONS: Record<string, boolean> = { 'q/null?': false, 'q/null-or-empty?': true };
const AGGREGATES: Record<string, AggregateFn> = {
  'q/count': 'count',
  'q/sum': 'sum',
  'q/avg': 'avg',
  'q/min': 'min',
  'q/max': 'max',
};
/** Every operator q/where takes, for suggestions. */
const WHERE_OPERATORS = [
  ...COMPARE_OPS,
  ...Object.keys(TEXT_OPS),
  ...Object.keys(NULL_FUNCTIONS),
  'q/and',
  'q/or',
  'q/in',
  'q/not-in',
];
const QUERY_KEYS = new Set(['q/from', 'q/select', 'q/where', 'q/order-by', 'q/limit', 'q/offset']);

const invalid = (message: string) => commandError('entity.error/invalid-query', message);

const isAggregate = (expr: unknown): expr is [string, unknown] =>
  Array.isArray(expr) && typeof expr[0] === 'string' && Object.hasOwn(AGGREGATES, expr[0]);

const RANGE_PARTS: Record<string, string> = {
  'fibery/date-range': 'fibery/date',
  'fibery/date-time-range': 'fibery/date-time',
};

/** `["q/start", ["Space/Dates"]]`: the start (or end) of a date range, compared as a date or date-time. */
function rangePart(range: FieldPath, fn: 'q/start' | 'q/end'): FieldModel {
  const partType = RANGE_PARTS[range.field.fiberyType];
  if (!partType)
    throw invalid(`${fn} takes a date range field; "${range.name}" is ${range.field.fiberyType}.`);
  const key = fn === 'q/start' ? 'start' : 'end';
  const whole = range.field;
  return {
    ...PRIMITIVE_TYPES[partType]!,
    fiberyType: partType,
    meta: {},
    sql: (t, dialect) => {
      const json = whole.sql(t, dialect);
      if (dialect === 'sqlite') return `json_extract(${json}, '$.${key}')`;
      const text = `(CAST(${json} AS json) ->> '${key}')`;
      return partType === 'fibery/date' ? text : `CAST(${text} AS BIGINT)`;
    },
  };
}

class QueryParser {
  readonly types: Record<string, TypeModel>;
  readonly params: Record<string, unknown>;
  readonly limits: QueryLimits;
  /** Conditions and collection sub-queries seen so far, for QUERY_LIMITS. */
  #conditions = 0;
  #collections = 0;
  /** Levels of q/select maps, relation objects and sub-queries around the current one. */
  #depth = 0;

  constructor(types: Record<string, TypeModel>, params: Record<string, unknown>, limits: QueryLimits) {
    this.types = types;
    this.params = params;
    this.limits = limits;
  }

  /** `work` one level deeper into q/select. */
  nested<T>(work: () => T): T {
    checkQueryLimit('depth', ++this.#depth);
    try {
      return work();
    } finally {
      this.#depth--;
    }
  }

  step(relation: RelationModel): Step {
    return { relation, target: this.types[relation.target]! };
  }

  /**
   * `"Space/Field"`, `["Space/Field"]` or `["Space/Relation", …, "Space/Field"]` from `type`.
   * Collections may be crossed only where `collections` allows it.
   */
  path(operand: unknown, type: TypeModel, collections: boolean): FieldPath {
    if (
      Array.isArray(operand) &&
      operand.length === 2 &&
      (operand[0] === 'q/start' || operand[0] === 'q/end')
    ) {
      const inner = this.path(operand[1], type, collections);
      return { ...inner, field: rangePart(inner, operand[0]), name: `${operand[0]} ${inner.name}` };
    }
    const parts = Array.isArray(operand) ? operand : [operand];
    if (parts.length === 0 || !parts.every((part) => typeof part === 'string')) {
      throw invalid(`A field is "Space/Field", ["Space/Field"] or a path of them; got ${show(operand)}.`);
    }
    checkQueryLimit('pathLength', parts.length - 1);
    const steps: Step[] = [];
    let current = type;
    for (const [i, part] of (parts as string[]).entries()) {
      const field = fieldOf(current, part);
      const name = (parts as string[]).join(' → ');
      if (i === parts.length - 1) {
        // A collection where "any item" may be meant stands for its items' ids.
        if (field.relation?.collection && collections) {
          const step = this.step(field.relation);
          return { steps: [...steps, step], field: step.target.fields[step.target.idField]!, name };
        }
        return { steps, field, name };
      }
      if (!field.relation) {
        throw invalid(`"${part}" of "${current.name}" is not a relation, so a path cannot go through it.`);
      }
      if (field.relation.collection && !collections) {
        throw invalid(
          `"${part}" is a collection: paths go through to-one relations only; select it with a sub-query.`,
        );
      }
      const step = this.step(field.relation);
      steps.push(step);
      current = step.target;
    }
    throw invalid('empty path');
  }

  /** A path whose end is a value a row can hold (not a collection). */
  valuePath(operand: unknown, type: TypeModel, collections: boolean): FieldPath {
    const path = this.path(operand, type, collections);
    if (path.field.relation?.collection && !collections) {
      throw invalid(`"${path.name}" is a collection: select it with a sub-query, or count it with q/count.`);
    }
    return path;
  }

  param(operand: unknown): unknown {
    if (typeof operand !== 'string' || !operand.startsWith('$')) {
      throw invalid(
        `Values go through params: write "$name" and pass {"params": {"$name": …}}; got ${show(operand)}.`,
      );
    }
    if (!Object.hasOwn(this.params, operand)) {
      throw commandError(
        'entity.error/parameter-not-found',
        `Parameter "${operand.slice(0, 200)}" is not in params.`,
        {
          parameter: operand.slice(0, 200),
        },
      );
    }
    return this.params[operand];
  }

  encode(path: FieldPath, value: unknown, parameter: unknown) {
    // A relation (or a collection) compares by the related ids.
    try {
      if (isObject(value) && path.field.relation && 'fibery/id' in value)
        return path.field.encode(value['fibery/id']);
      return path.field.encode(value);
    } catch (error) {
      throw commandError(
        'entity.error/invalid-parameter',
        `Parameter ${quote(parameter)} for "${path.name}" ${(error as Error).message}.`,
        { parameter, field: path.name },
      );
    }
  }

  condition(raw: unknown, type: TypeModel, depth: number): Condition {
    checkQueryLimit('depth', depth);
    checkQueryLimit('conditions', ++this.#conditions);
    if (!Array.isArray(raw) || typeof raw[0] !== 'string') {
      throw invalid(`A q/where condition is [operator, …operands]; got ${show(raw)}.`);
    }
    const [op, ...operands] = raw as [string, ...unknown[]];
    if (op === 'q/and' || op === 'q/or') {
      if (operands.length === 0) throw invalid(`${op} needs at least one condition.`);
      checkQueryLimit('operands', operands.length);
      return {
        kind: op === 'q/and' ? 'and' : 'or',
        items: operands.map((item) => this.condition(item, type, depth + 1)),
      };
    }
    if (op in NULL_FUNCTIONS) return this.nullTest(op, operands[0], type, true);
    if (operands.length !== 2)
      throw invalid(`"${op.slice(0, 100)}" takes two operands: a field and a "$param".`);
    const [left, right] = operands;
    if (COMPARE_OPS.has(op)) {
      if (Array.isArray(left) && typeof left[0] === 'string' && left[0] in NULL_FUNCTIONS) {
        const expected = this.param(right);
        if (typeof expected !== 'boolean')
          throw commandError('entity.error/invalid-parameter', `${left[0]} is compared with true or false.`);
        return this.nullTest(left[0], left[1], type, op === '=' ? expected : !expected);
      }
      if (isAggregate(left)) return this.aggregateCondition(op as CompareOp, left, right, type);
      const path = this.path(left, type, true);
      if (op !== '=' && op !== '!=') checkOrderedOperator(op, path);
      const value = this.param(right);
      if (value === null) {
        if (op !== '=' && op !== '!=')
          throw commandError('entity.error/invalid-parameter', `"${op}" cannot compare with null.`);
        return { kind: 'compare', op, path, value: null };
      }
      return { kind: 'compare', op: op as CompareOp, path, value: this.encode(path, value, right) };
    }
    if (op === 'q/in' || op === 'q/not-in') {
      const path = this.path(left, type, true);
      const values = this.param(right);
      if (!Array.isArray(values))
        throw commandError('entity.error/invalid-parameter', `${op} takes a list parameter.`, {
          parameter: right,
        });
      checkQueryLimit('listValues', values.length);
      return {
        kind: 'in',
        negate: op === 'q/not-in',
        path,
        values: values.map((value) => this.encode(path, value, right)),
      };
    }
    const textOp = TEXT_OPS[op];
    if (textOp) {
      const path = this.path(left, type, true);
      checkTextOperator(op, path);
      const value = this.param(right);
      try {
        if (typeof value !== 'string') throw new TypeError('must be text');
        checkStorableText(value);
      } catch (error) {
        throw commandError(
          'entity.error/invalid-parameter',
          `Parameter ${quote(right)} of ${op} on "${path.name}" ${(error as Error).message}.`,
          { parameter: right },
        );
      }
      return { kind: 'text', op: textOp, path, value };
    }
    const hint = didYouMean(op, WHERE_OPERATORS);
    throw commandError(
      'entity.error/invalid-query',
      `Unknown q/where operator "${op.slice(0, 100)}".${hint.text}`,
      hint.data,
    );
  }

  /**
   * An aggregate of each row's collection compared with a parameter: the n8n node's "is empty" and
   * "is not empty" filters are `["=", ["q/count", [collection, "fibery/id"]], 0]` and `[">", …]`.
   * Counts, sums and averages compare as numbers, minimums and maximums as their field.
   */
  aggregateCondition(op: CompareOp, left: [string, unknown], right: unknown, type: TypeModel): Condition {
    const { fn, path } = this.aggregate('', left, type);
    if (!path.steps.some((step) => step.relation.collection))
      throw invalid(
        `${left[0]} in q/where takes a collection of the row: ["${left[0]}", ["Space/Collection", "Space/Field"]].`,
      );
    const value = this.param(right);
    let encoded: string | number | boolean;
    if (fn === 'min' || fn === 'max') encoded = this.encode(path, value, right);
    else if (
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (fn !== 'count' || Number.isSafeInteger(value))
    )
      encoded = value;
    else
      throw commandError(
        'entity.error/invalid-parameter',
        `Parameter ${quote(right)} compared with ${left[0]} must be ${fn === 'count' ? 'a whole number' : 'a number'}.`,
        { parameter: right },
      );
    return { kind: 'aggregate', op, fn, path, value: encoded };
  }

  nullTest(fn: string, operand: unknown, type: TypeModel, expected: boolean): Condition {
    return { kind: 'null', path: this.path(operand, type, true), orEmpty: NULL_FUNCTIONS[fn]!, expected };
  }

  aggregate(key: string, expr: [string, unknown], type: TypeModel) {
    const fn = AGGREGATES[expr[0]]!;
    const path = this.path(expr[1], type, true);
    if (path.steps.filter((step) => step.relation.collection).length > 1)
      throw invalid(`${expr[0]} goes through one collection at most.`);
    checkAggregate(fn, expr[0], path);
    return { key, fn, path };
  }

  /** An aggregate over a collection of each row. */
  rowAggregate(key: string, expr: [string, unknown], type: TypeModel, prefix: Step[]): SelectNode {
    const aggregate = this.aggregate(key, expr, type);
    if (!aggregate.path.steps.some((step) => step.relation.collection))
      throw invalid(`${expr[0]} over the query's own rows stands alone in q/select.`);
    return {
      kind: 'aggregate',
      ...aggregate,
      path: { ...aggregate.path, steps: [...prefix, ...aggregate.path.steps] },
    };
  }

  /** `{"Space/Relation": …}` in a vector select: a to-one object or a collection sub-query. */
  relationSelect(key: string, value: unknown, type: TypeModel, prefix: Step[]): SelectNode {
    const field = fieldOf(type, key);
    if (!field.relation) throw invalid(`"${key}" is not a relation; select it as "${key}".`);
    const subQuery = isObject(value) ? value : { 'q/select': value };
    return this.related(key, field, subQuery, prefix);
  }

  /** A sub-select through `relation`: an object for a to-one relation, a sub-query for a collection. */
  related(key: string, field: FieldModel, query: Record<string, unknown>, prefix: Step[]): SelectNode {
    const relation = field.relation!;
    const step = this.step(relation);
    if (!relation.collection) {
      return {
        kind: 'object',
        key,
        // The relation field itself reads the related id: null when nothing is related.
        present: { steps: prefix, field, name: key },
        children: this.nested(() => this.nodes(query['q/select'], step.target, [...prefix, step])),
      };
    }
    if (prefix.length > 0)
      throw invalid(`The collection "${key}" is selected from its own database's rows, not through a path.`);
    checkQueryLimit('collections', ++this.#collections);
    return { kind: 'collection', key, relation, query: this.nested(() => this.query(query, step.target)) };
  }

  /** The select nodes of a vector or map select over `type`, reached through `prefix`. */
  nodes(raw: unknown, type: TypeModel, prefix: Step[]): SelectNode[] {
    const withPrefix = (path: FieldPath): FieldPath => ({ ...path, steps: [...prefix, ...path.steps] });
    if (Array.isArray(raw)) {
      if (raw.length === 0) throw invalid('q/select lists at least one field.');
      const nodes: SelectNode[] = [];
      for (const item of raw) {
        if (isObject(item)) {
          for (const [key, value] of Object.entries(item)) {
            // {"# of former teams": ["q/count", ["Cricket/Former Teams", "fibery/id"]]} (Fibery's docs).
            nodes.push(
              isAggregate(value)
                ? this.rowAggregate(key, value, type, prefix)
                : this.relationSelect(key, value, type, prefix),
            );
          }
          continue;
        }
        if (typeof item !== 'string')
          throw invalid(`A vector select lists field names and {relation: […]} objects; got ${show(item)}.`);
        nodes.push({ kind: 'value', key: item, path: withPrefix(this.selectable(item, type)) });
      }
      return nodes;
    }
    if (isObject(raw)) {
      const entries = Object.entries(raw);
      if (entries.length === 0) throw invalid('q/select names at least one field.');
      return entries.map(([key, expr]): SelectNode => {
        if (isAggregate(expr)) return this.rowAggregate(key, expr, type, prefix);
        if (isObject(expr)) {
          const keys = Object.keys(expr);
          if (keys.some((k) => QUERY_KEYS.has(k))) {
            const from = expr['q/from'] ?? key;
            const name = Array.isArray(from) && from.length === 1 ? from[0] : from;
            if (typeof name !== 'string')
              throw invalid(`q/from of a sub-query names a relation of "${type.name}".`);
            const field = fieldOf(type, name);
            if (!field.relation) throw invalid(`"${name}" is not a relation, so it takes no sub-query.`);
            return this.related(key, field, expr, prefix);
          }
          // A nested map over the same row: {"id": ["Rel", "fibery/id"], "name": ["Rel", "X/Name"]}.
          return {
            kind: 'object',
            key,
            present: null,
            children: this.nested(() => this.nodes(expr, type, prefix)),
          };
        }
        return { kind: 'value', key, path: withPrefix(this.selectable(expr, type)) };
      });
    }
    throw invalid('q/select is a list of fields or an object of aliases.');
  }

  selectable(operand: unknown, type: TypeModel): FieldPath {
    const path = this.valuePath(operand, type, false);
    if (path.field.relation) {
      throw invalid(
        `"${path.name}" points to other entities: select their fields, like {"${path.name}": ["fibery/id"]}.`,
      );
    }
    return path;
  }

  select(raw: unknown, type: TypeModel): Selection {
    if (isObject(raw)) {
      const entries = Object.entries(raw);
      const aggregates = entries.filter(
        ([, expr]) =>
          isAggregate(expr) && !this.path(expr[1], type, true).steps.some((step) => step.relation.collection),
      );
      if (aggregates.length > 0) {
        if (aggregates.length !== entries.length)
          throw invalid('Aggregates over the query rows (q/count, q/sum, …) stand alone in q/select.');
        return {
          kind: 'aggregate',
          items: aggregates.map(([key, expr]) => this.aggregate(key, expr as [string, unknown], type)),
        };
      }
    }
    if (isAggregate(raw)) throw invalid(`Name the aggregate: "q/select": {"n": ${show(raw)}}.`);
    return { kind: 'rows', nodes: this.nodes(raw, type, []) };
  }

  orderBy(raw: unknown, type: TypeModel): ParsedQuery['orderBy'] {
    if (!Array.isArray(raw)) throw invalid('q/order-by is a list of [["Space/Field"], "q/asc" | "q/desc"].');
    checkQueryLimit('orderTerms', raw.length);
    return raw.map((item) => {
      if (
        !Array.isArray(item) ||
        item.length !== 2 ||
        !Array.isArray(item[0]) ||
        (item[1] !== 'q/asc' && item[1] !== 'q/desc')
      ) {
        throw invalid(`Each q/order-by entry is [["Space/Field"], "q/asc" | "q/desc"]; got ${show(item)}.`);
      }
      const path = this.valuePath(item[0], type, false);
      return { path, direction: item[1] === 'q/asc' ? 'asc' : 'desc' };
    });
  }

  limit(raw: unknown): number | null {
    if (raw === undefined || raw === null) return this.limits.defaultLimit;
    if (raw === 'q/no-limit') return null;
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > this.limits.maxLimit) {
      throw commandError(
        'entity.error/invalid-limit',
        `q/limit is a whole number from 0 to ${this.limits.maxLimit}, or "q/no-limit".`,
      );
    }
    return raw;
  }

  query(query: Record<string, unknown>, type: TypeModel): ParsedQuery {
    const where = query['q/where'];
    const orderBy = query['q/order-by'];
    const offset = query['q/offset'] ?? 0;
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
      throw commandError('entity.error/invalid-limit', 'q/offset is a whole number, 0 or more.');
    }
    return {
      type,
      select: this.select(query['q/select'], type),
      where: where === undefined || where === null ? null : this.condition(where, type, 1),
      orderBy: orderBy === undefined || orderBy === null ? [] : this.orderBy(orderBy, type),
      limit: this.limit(query['q/limit']),
      offset,
    };
  }
}

/** Validates `args` of `fibery.entity/query` (query and params) for a caller whose id is `myId`. */
export function parseQuery(
  args: Record<string, unknown>,
  myId: string,
  limits: QueryLimits,
  types: Record<string, TypeModel>,
): ParsedQuery {
  const query = args.query;
  if (!isObject(query)) throw invalid('args.query is an object with q/from and q/select.');
  const from = query['q/from'];
  if (typeof from !== 'string') throw invalid('q/from names a database, like "fibery/user".');
  const type = Object.hasOwn(types, from) ? types[from] : undefined;
  if (!type) throw typeNotFound(from, Object.keys(types));
  const given = args.params ?? {};
  if (!isObject(given)) throw invalid('params is an object of {"$name": value}.');
  const params: Record<string, unknown> = { '$my-id': myId };
  for (const [key, value] of Object.entries(given)) params[key.startsWith('$') ? key : `$${key}`] = value;
  return new QueryParser(types, params, limits).query(query, type);
}
