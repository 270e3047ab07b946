/**
 * Checks a `fibery.entity/query` query against the type model and turns it into a small tree the
 * compiler can trust: every field resolved, every value taken from `params` and encoded for its
 * field. Fibery's rule that values go through `$params` (never inline) is kept. `null` counts as
 * absent for every clause (Fibery's Android client sends them).
 */
import { commandError } from '../command-error.ts';
import { isObject } from '../is-object.ts';
import type { FieldModel, TypeModel } from './type-model.ts';

export const MAX_DEPTH = 64;

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

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'compare'; op: CompareOp; field: FieldModel; value: string | number | boolean | null }
  | { kind: 'in'; negate: boolean; field: FieldModel; values: (string | number | boolean)[] }
  | { kind: 'text'; op: TextOp; field: FieldModel; value: string }
  | { kind: 'null'; field: FieldModel; orEmpty: boolean; expected: boolean };

export type Selection =
  | { kind: 'fields'; columns: { key: string; name: string; field: FieldModel }[] }
  | { kind: 'count'; key: string };

export interface ParsedQuery {
  type: TypeModel;
  select: Selection;
  where: Condition | null;
  orderBy: { field: FieldModel; direction: 'asc' | 'desc' }[];
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
  'q/contains': 'contains',
  'q/contains?': 'contains',
  'q/not-contains': 'not-contains',
  'q/not-contains?': 'not-contains',
  'q/equals-ignoring-case?': 'equals-ignoring-case',
  'q/not-equals-ignoring-case?': 'not-equals-ignoring-case',
  'q/starts-with-ignoring-case?': 'starts-with-ignoring-case',
  'q/ends-with-ignoring-case?': 'ends-with-ignoring-case',
  'q/contains-ignoring-case?': 'contains-ignoring-case',
  'q/not-contains-ignoring-case?': 'not-contains-ignoring-case',
};
const NULL_FUNCTIONS: Record<string, boolean> = { 'q/null?': false, 'q/null-or-empty?': true };

const invalid = (message: string) => commandError('entity.error/invalid-query', message);

class QueryParser {
  readonly type: TypeModel;
  readonly params: Record<string, unknown>;

  constructor(type: TypeModel, params: Record<string, unknown>) {
    this.type = type;
    this.params = params;
  }

  /** `"user/name"`, `["user/name"]`: a field of this type (paths through relations come with relations). */
  field(operand: unknown): { name: string; field: FieldModel } {
    const path = Array.isArray(operand) ? operand : [operand];
    if (path.length !== 1 || typeof path[0] !== 'string') {
      throw invalid(
        `A field is "Space/Field" or ["Space/Field"]; got ${JSON.stringify(operand)?.slice(0, 200)}.`,
      );
    }
    const name = path[0];
    const field = this.type.fields[name];
    if (!field) {
      throw commandError(
        'entity.error/schema-field-not-found',
        `"${name}" field was not found in "${this.type.name}" database.`,
        {
          type: this.type.name,
          field: name,
        },
      );
    }
    return { name, field };
  }

  param(operand: unknown): unknown {
    if (typeof operand !== 'string' || !operand.startsWith('$')) {
      throw invalid(
        `Values go through params: write "$name" and pass {"params": {"$name": …}}; got ${JSON.stringify(operand)?.slice(0, 200)}.`,
      );
    }
    if (!(operand in this.params)) {
      throw commandError('entity.error/parameter-not-found', `Parameter "${operand}" is not in params.`, {
        parameter: operand,
      });
    }
    return this.params[operand];
  }

  encode(field: FieldModel, name: string, value: unknown, parameter: unknown) {
    try {
      return field.encode(value);
    } catch (error) {
      throw commandError(
        'entity.error/invalid-parameter',
        `Parameter ${String(parameter)} for "${name}" ${(error as Error).message}.`,
        {
          parameter,
          field: name,
        },
      );
    }
  }

  condition(raw: unknown, depth: number): Condition {
    if (depth > MAX_DEPTH)
      throw commandError('entity.error/query-too-deep', `q/where nests deeper than ${MAX_DEPTH} levels.`);
    if (!Array.isArray(raw) || typeof raw[0] !== 'string') {
      throw invalid(
        `A q/where condition is [operator, …operands]; got ${JSON.stringify(raw)?.slice(0, 200)}.`,
      );
    }
    const [op, ...operands] = raw as [string, ...unknown[]];
    if (op === 'q/and' || op === 'q/or') {
      if (operands.length === 0) throw invalid(`${op} needs at least one condition.`);
      return {
        kind: op === 'q/and' ? 'and' : 'or',
        items: operands.map((item) => this.condition(item, depth + 1)),
      };
    }
    if (op in NULL_FUNCTIONS) return this.nullTest(op, operands[0], true);
    if (operands.length !== 2) throw invalid(`"${op}" takes two operands: a field and a "$param".`);
    const [left, right] = operands;
    if (COMPARE_OPS.has(op)) {
      if (Array.isArray(left) && typeof left[0] === 'string' && left[0] in NULL_FUNCTIONS) {
        const expected = this.param(right);
        if (typeof expected !== 'boolean')
          throw commandError('entity.error/invalid-parameter', `${left[0]} is compared with true or false.`);
        return this.nullTest(left[0], left[1], op === '=' ? expected : !expected);
      }
      const { name, field } = this.field(left);
      const value = this.param(right);
      if (value === null) {
        if (op !== '=' && op !== '!=')
          throw commandError('entity.error/invalid-parameter', `"${op}" cannot compare with null.`);
        return { kind: 'compare', op, field, value: null };
      }
      return { kind: 'compare', op: op as CompareOp, field, value: this.encode(field, name, value, right) };
    }
    if (op === 'q/in' || op === 'q/not-in') {
      const { name, field } = this.field(left);
      const values = this.param(right);
      if (!Array.isArray(values))
        throw commandError('entity.error/invalid-parameter', `${op} takes a list parameter.`, {
          parameter: right,
        });
      return {
        kind: 'in',
        negate: op === 'q/not-in',
        field,
        values: values.map((value) => this.encode(field, name, value, right)),
      };
    }
    const textOp = TEXT_OPS[op];
    if (textOp) {
      const { name, field } = this.field(left);
      const value = this.param(right);
      if (typeof value !== 'string') {
        throw commandError('entity.error/invalid-parameter', `${op} on "${name}" takes a text parameter.`, {
          parameter: right,
        });
      }
      return { kind: 'text', op: textOp, field, value };
    }
    throw invalid(`Unknown q/where operator "${op}".`);
  }

  nullTest(fn: string, operand: unknown, expected: boolean): Condition {
    return { kind: 'null', field: this.field(operand).field, orEmpty: NULL_FUNCTIONS[fn]!, expected };
  }

  select(raw: unknown): Selection {
    if (Array.isArray(raw)) {
      if (raw.length === 0) throw invalid('q/select lists at least one field.');
      return { kind: 'fields', columns: raw.map((item) => ({ key: String(item), ...this.field(item) })) };
    }
    if (isObject(raw)) {
      const entries = Object.entries(raw);
      if (entries.length === 0) throw invalid('q/select names at least one field.');
      const counts = entries.filter(([, expr]) => Array.isArray(expr) && expr[0] === 'q/count');
      if (counts.length > 0) {
        if (entries.length > 1) throw invalid('A q/count select stands alone.');
        return { kind: 'count', key: counts[0]![0] };
      }
      return { kind: 'fields', columns: entries.map(([key, expr]) => ({ key, ...this.field(expr) })) };
    }
    throw invalid('q/select is a list of fields or an object of aliases.');
  }

  orderBy(raw: unknown): ParsedQuery['orderBy'] {
    if (!Array.isArray(raw)) throw invalid('q/order-by is a list of [["Space/Field"], "q/asc" | "q/desc"].');
    return raw.map((item) => {
      if (
        !Array.isArray(item) ||
        item.length !== 2 ||
        !Array.isArray(item[0]) ||
        (item[1] !== 'q/asc' && item[1] !== 'q/desc')
      ) {
        throw invalid(
          `Each q/order-by entry is [["Space/Field"], "q/asc" | "q/desc"]; got ${JSON.stringify(item)?.slice(0, 200)}.`,
        );
      }
      return { field: this.field(item[0]).field, direction: item[1] === 'q/asc' ? 'asc' : 'desc' };
    });
  }
}

function parseLimit(raw: unknown, limits: QueryLimits): number | null {
  if (raw === undefined || raw === null) return limits.defaultLimit;
  if (raw === 'q/no-limit') return null;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > limits.maxLimit) {
    throw commandError(
      'entity.error/invalid-limit',
      `q/limit is a whole number from 0 to ${limits.maxLimit}, or "q/no-limit".`,
    );
  }
  return raw;
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
  if (!type) {
    throw commandError('entity.error/schema-type-not-found', `"${from}" database was not found.`, {
      type: from,
      query,
    });
  }
  const given = args.params ?? {};
  if (!isObject(given)) throw invalid('params is an object of {"$name": value}.');
  const params: Record<string, unknown> = { '$my-id': myId };
  for (const [key, value] of Object.entries(given)) params[key.startsWith('$') ? key : `$${key}`] = value;

  const parser = new QueryParser(type, params);
  const where = query['q/where'];
  const orderBy = query['q/order-by'];
  const offset = query['q/offset'] ?? 0;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw commandError('entity.error/invalid-limit', 'q/offset is a whole number, 0 or more.');
  }
  return {
    type,
    select: parser.select(query['q/select']),
    where: where === undefined || where === null ? null : parser.condition(where, 1),
    orderBy: orderBy === undefined || orderBy === null ? [] : parser.orderBy(orderBy),
    limit: parseLimit(query['q/limit'], limits),
    offset,
  };
}
