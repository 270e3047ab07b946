/**
 * Checks a `fibery.entity/query` query against the type model and turns it into a small tree the
 * compiler can trust (`ast.ts`): every field and path resolved, every value taken from `params` and
 * encoded for its field. Fibery's rule that values go through `$params` (never inline) is kept.
 * `null` counts as absent for every clause (Fibery's Android client sends them). `q/where` is read by
 * `where.ts`, `q/select` by `select.ts`.
 *
 * Paths (`["Cricket/Current Team", "Cricket/Name"]`) go through to-one relations in `q/select`,
 * `q/where` and `q/order-by`; in `q/where` and in aggregates they may also go through a collection,
 * meaning "any of its items". A collection is selected with a sub-query of its own.
 */
import { commandError, isObject, type QueryLimits, quote, show, typeNotFound } from '../core/index.ts';
import {
  type FieldModel,
  fieldOf,
  PRIMITIVE_TYPES,
  type RelationModel,
  type TypeModel,
} from '../model/index.ts';
import type { FieldPath, ParsedQuery, Step } from './ast.ts';
import { checkAggregate } from './check-operand-type.ts';
import { AGGREGATES, invalid } from './operands.ts';
import { checkQueryLimit } from './query-limits.ts';
import { select } from './select.ts';
import { condition } from './where.ts';

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
    sql: (t, sql) => {
      const json = whole.sql(t, sql);
      return partType === 'fibery/date' ? sql.jsonText(json, key) : sql.jsonInteger(json, key);
    },
  };
}

export class QueryParser {
  readonly types: Record<string, TypeModel>;
  readonly params: Record<string, unknown>;
  readonly limits: QueryLimits;
  /** Conditions and collection sub-queries seen so far, for QUERY_LIMITS. */
  readonly #counts = { conditions: 0, collections: 0 };
  /** Levels of q/select maps, relation objects and sub-queries around the current one. */
  #depth = 0;

  constructor(types: Record<string, TypeModel>, params: Record<string, unknown>, limits: QueryLimits) {
    this.types = types;
    this.params = params;
    this.limits = limits;
  }

  /** Counts one more condition or collection sub-query, within its limit. */
  count(limit: 'conditions' | 'collections') {
    checkQueryLimit(limit, ++this.#counts[limit]);
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

  aggregate(key: string, expr: [string, unknown], type: TypeModel) {
    const fn = AGGREGATES[expr[0]]!;
    const path = this.path(expr[1], type, true);
    if (path.steps.filter((step) => step.relation.collection).length > 1)
      throw invalid(`${expr[0]} goes through one collection at most.`);
    checkAggregate(fn, expr[0], path);
    return { key, fn, path };
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
      select: select(this, query['q/select'], type),
      where: where === undefined || where === null ? null : condition(this, where, type, 1),
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
