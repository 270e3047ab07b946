/**
 * `q/where`: a condition tree, every operand resolved against the type model and every value taken
 * from the params and encoded for its field. A negative operator (`!=`, `q/not-in`, `q/not-contains`,
 * …) is its positive form with `negate`, so the compiler knows the test it negates.
 */
import { didYouMean } from '../../text/index.ts';
import { commandError, quote, show } from '../core/index.ts';
import { checkStorableText, type TypeModel } from '../model/index.ts';
import type { CompareOp, Condition, TextOp } from './ast.ts';
import { checkOrderedOperator, checkTextOperator } from './check-operand-type.ts';
import { invalid, isAggregate } from './operands.ts';
import type { QueryParser } from './parse-query.ts';
import { checkQueryLimit } from './query-limits.ts';

const COMPARE_OPS = new Set<string>(['=', '!=', '<', '<=', '>', '>=']);
const TEXT_OPS: Record<string, { op: TextOp; negate: boolean }> = {
  // Fibery's search boxes and filters: case is ignored, as the n8n node's entity picker and its
  // "contains" filter expect (it sends q/contains; for "is" and "starts with", the -ignoring-case?).
  'q/contains': { op: 'contains-ignoring-case', negate: false },
  'q/not-contains': { op: 'contains-ignoring-case', negate: true },
  // What the n8n node sends for "does not contain".
  'q/does_not_contain': { op: 'contains-ignoring-case', negate: true },
  // The predicates match case exactly.
  'q/contains?': { op: 'contains', negate: false },
  'q/not-contains?': { op: 'contains', negate: true },
  'q/equals-ignoring-case?': { op: 'equals-ignoring-case', negate: false },
  'q/not-equals-ignoring-case?': { op: 'equals-ignoring-case', negate: true },
  'q/starts-with-ignoring-case?': { op: 'starts-with-ignoring-case', negate: false },
  'q/ends-with-ignoring-case?': { op: 'ends-with-ignoring-case', negate: false },
  'q/contains-ignoring-case?': { op: 'contains-ignoring-case', negate: false },
  'q/not-contains-ignoring-case?': { op: 'contains-ignoring-case', negate: true },
};
const NULL_FUNCTIONS: Record<string, boolean> = { 'q/null?': false, 'q/null-or-empty?': true };
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

/** `[operator, …operands]` at `depth` levels of q/and and q/or. */
export function condition(p: QueryParser, raw: unknown, type: TypeModel, depth: number): Condition {
  checkQueryLimit('depth', depth);
  p.count('conditions');
  if (!Array.isArray(raw) || typeof raw[0] !== 'string') {
    throw invalid(`A q/where condition is [operator, …operands]; got ${show(raw)}.`);
  }
  const [op, ...operands] = raw as [string, ...unknown[]];
  if (op === 'q/and' || op === 'q/or') {
    if (operands.length === 0) throw invalid(`${op} needs at least one condition.`);
    checkQueryLimit('operands', operands.length);
    return {
      kind: op === 'q/and' ? 'and' : 'or',
      items: operands.map((item) => condition(p, item, type, depth + 1)),
    };
  }
  if (op in NULL_FUNCTIONS) return nullTest(p, op, operands[0], type, true);
  if (operands.length !== 2)
    throw invalid(`"${op.slice(0, 100)}" takes two operands: a field and a "$param".`);
  const [left, right] = operands;
  if (COMPARE_OPS.has(op)) return comparison(p, op as CompareOp, left, right, type);
  if (op === 'q/in' || op === 'q/not-in') return inList(p, op, left, right, type);
  if (Object.hasOwn(TEXT_OPS, op)) return textTest(p, op, left, right, type);
  const hint = didYouMean(op, WHERE_OPERATORS);
  throw commandError(
    'entity.error/invalid-query',
    `Unknown q/where operator "${op.slice(0, 100)}".${hint.text}`,
    hint.data,
  );
}

/** `["=", field, "$v"]` and the other comparisons, of a field, an aggregate or a null test. */
function comparison(
  p: QueryParser,
  op: CompareOp,
  left: unknown,
  right: unknown,
  type: TypeModel,
): Condition {
  if (Array.isArray(left) && typeof left[0] === 'string' && left[0] in NULL_FUNCTIONS) {
    const expected = p.param(right);
    if (typeof expected !== 'boolean')
      throw commandError('entity.error/invalid-parameter', `${left[0]} is compared with true or false.`);
    return nullTest(p, left[0], left[1], type, op === '=' ? expected : !expected);
  }
  if (isAggregate(left)) return aggregateCondition(p, op, left, right, type);
  const path = p.path(left, type, true);
  if (op !== '=' && op !== '!=') checkOrderedOperator(op, path);
  const value = p.param(right);
  if (value === null) {
    if (op !== '=' && op !== '!=')
      throw commandError('entity.error/invalid-parameter', `"${op}" cannot compare with null.`);
    return { kind: 'compare', op, path, value: null };
  }
  return { kind: 'compare', op, path, value: p.encode(path, value, right) };
}

/** `["q/in", field, "$list"]` and `q/not-in`. */
function inList(p: QueryParser, op: string, left: unknown, right: unknown, type: TypeModel): Condition {
  const path = p.path(left, type, true);
  const values = p.param(right);
  if (!Array.isArray(values))
    throw commandError('entity.error/invalid-parameter', `${op} takes a list parameter.`, {
      parameter: right,
    });
  checkQueryLimit('listValues', values.length);
  return {
    kind: 'in',
    negate: op === 'q/not-in',
    path,
    values: values.map((value) => p.encode(path, value, right)),
  };
}

/** `["q/contains", field, "$text"]` and the other text operators. */
function textTest(p: QueryParser, op: string, left: unknown, right: unknown, type: TypeModel): Condition {
  const path = p.path(left, type, true);
  checkTextOperator(op, path);
  const value = p.param(right);
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
  return { kind: 'text', ...TEXT_OPS[op]!, path, value };
}

/**
 * An aggregate of each row's collection compared with a parameter: the n8n node's "is empty" and
 * "is not empty" filters are `["=", ["q/count", [collection, "fibery/id"]], 0]` and `[">", …]`.
 * Counts, sums and averages compare as numbers, minimums and maximums as their field.
 */
function aggregateCondition(
  p: QueryParser,
  op: CompareOp,
  left: [string, unknown],
  right: unknown,
  type: TypeModel,
): Condition {
  const { fn, path } = p.aggregate('', left, type);
  if (!path.steps.some((step) => step.relation.collection))
    throw invalid(
      `${left[0]} in q/where takes a collection of the row: ["${left[0]}", ["Space/Collection", "Space/Field"]].`,
    );
  const value = p.param(right);
  let encoded: string | number | boolean;
  if (fn === 'min' || fn === 'max') encoded = p.encode(path, value, right);
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

function nullTest(
  p: QueryParser,
  fn: string,
  operand: unknown,
  type: TypeModel,
  expected: boolean,
): Condition {
  return { kind: 'null', path: p.path(operand, type, true), orEmpty: NULL_FUNCTIONS[fn]!, expected };
}
