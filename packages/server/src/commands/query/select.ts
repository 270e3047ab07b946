/** `q/select`: the fields, related objects, collection sub-queries and aggregates a query returns. */
import { isObject, show } from '../core/index.ts';
import { type FieldModel, fieldOf, type TypeModel } from '../model/index.ts';
import type { FieldPath, Selection, SelectNode, Step } from './ast.ts';
import { invalid, isAggregate } from './operands.ts';
import type { QueryParser } from './parse-query.ts';

const QUERY_KEYS = new Set(['q/from', 'q/select', 'q/where', 'q/order-by', 'q/limit', 'q/offset']);

/** An aggregate over a collection of each row. */
function rowAggregate(
  p: QueryParser,
  key: string,
  expr: [string, unknown],
  type: TypeModel,
  prefix: Step[],
): SelectNode {
  const aggregate = p.aggregate(key, expr, type);
  if (!aggregate.path.steps.some((step) => step.relation.collection))
    throw invalid(`${expr[0]} over the query's own rows stands alone in q/select.`);
  return {
    kind: 'aggregate',
    ...aggregate,
    path: { ...aggregate.path, steps: [...prefix, ...aggregate.path.steps] },
  };
}

/** `{"Space/Relation": …}` in a vector select: a to-one object or a collection sub-query. */
function relationSelect(
  p: QueryParser,
  key: string,
  value: unknown,
  type: TypeModel,
  prefix: Step[],
): SelectNode {
  const field = fieldOf(type, key);
  if (!field.relation) throw invalid(`"${key}" is not a relation; select it as "${key}".`);
  const subQuery = isObject(value) ? value : { 'q/select': value };
  return related(p, key, field, subQuery, prefix);
}

/** A sub-select through `relation`: an object for a to-one relation, a sub-query for a collection. */
function related(
  p: QueryParser,
  key: string,
  field: FieldModel,
  query: Record<string, unknown>,
  prefix: Step[],
): SelectNode {
  const relation = field.relation!;
  const step = p.step(relation);
  if (!relation.collection) {
    return {
      kind: 'object',
      key,
      // The relation field itself reads the related id: null when nothing is related.
      present: { steps: prefix, field, name: key },
      children: p.nested(() => nodes(p, query['q/select'], step.target, [...prefix, step])),
    };
  }
  if (prefix.length > 0)
    throw invalid(`The collection "${key}" is selected from its own database's rows, not through a path.`);
  p.count('collections');
  return { kind: 'collection', key, relation, query: p.nested(() => p.query(query, step.target)) };
}

/** The select nodes of a vector or map select over `type`, reached through `prefix`. */
function nodes(p: QueryParser, raw: unknown, type: TypeModel, prefix: Step[]): SelectNode[] {
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
              ? rowAggregate(p, key, value, type, prefix)
              : relationSelect(p, key, value, type, prefix),
          );
        }
        continue;
      }
      if (typeof item !== 'string')
        throw invalid(`A vector select lists field names and {relation: […]} objects; got ${show(item)}.`);
      nodes.push({ kind: 'value', key: item, path: withPrefix(selectable(p, item, type)) });
    }
    return nodes;
  }
  if (isObject(raw)) {
    const entries = Object.entries(raw);
    if (entries.length === 0) throw invalid('q/select names at least one field.');
    return entries.map(([key, expr]): SelectNode => {
      if (isAggregate(expr)) return rowAggregate(p, key, expr, type, prefix);
      if (isObject(expr)) {
        const keys = Object.keys(expr);
        if (keys.some((k) => QUERY_KEYS.has(k))) {
          const from = expr['q/from'] ?? key;
          const name = Array.isArray(from) && from.length === 1 ? from[0] : from;
          if (typeof name !== 'string')
            throw invalid(`q/from of a sub-query names a relation of "${type.name}".`);
          const field = fieldOf(type, name);
          if (!field.relation) throw invalid(`"${name}" is not a relation, so it takes no sub-query.`);
          return related(p, key, field, expr, prefix);
        }
        // A nested map over the same row: {"id": ["Rel", "fibery/id"], "name": ["Rel", "X/Name"]}.
        return {
          kind: 'object',
          key,
          present: null,
          children: p.nested(() => nodes(p, expr, type, prefix)),
        };
      }
      return { kind: 'value', key, path: withPrefix(selectable(p, expr, type)) };
    });
  }
  throw invalid('q/select is a list of fields or an object of aliases.');
}

function selectable(p: QueryParser, operand: unknown, type: TypeModel): FieldPath {
  const path = p.valuePath(operand, type, false);
  if (path.field.relation) {
    throw invalid(
      `"${path.name}" points to other entities: select their fields, like {"${path.name}": ["fibery/id"]}.`,
    );
  }
  return path;
}

export function select(p: QueryParser, raw: unknown, type: TypeModel): Selection {
  if (isObject(raw)) {
    const entries = Object.entries(raw);
    const aggregates = entries.filter(
      ([, expr]) =>
        isAggregate(expr) && !p.path(expr[1], type, true).steps.some((step) => step.relation.collection),
    );
    if (aggregates.length > 0) {
      if (aggregates.length !== entries.length)
        throw invalid('Aggregates over the query rows (q/count, q/sum, …) stand alone in q/select.');
      return {
        kind: 'aggregate',
        items: aggregates.map(([key, expr]) => p.aggregate(key, expr as [string, unknown], type)),
      };
    }
  }
  if (isAggregate(raw)) throw invalid(`Name the aggregate: "q/select": {"n": ${show(raw)}}.`);
  return { kind: 'rows', nodes: nodes(p, raw, type, []) };
}
