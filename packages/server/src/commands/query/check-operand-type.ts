/**
 * Which operators and aggregates apply to which fields, by the kind of value the field holds. What
 * falls outside gets a named error before any SQL: left to the databases, `q/contains` on a number
 * or `q/sum` of text was an internal error on PostgreSQL and a silent answer on SQLite.
 */
import { commandError } from '../core/index.ts';
import type { FieldKind } from '../model/index.ts';
import type { AggregateFn, FieldPath } from './ast.ts';

/** Text operators (`q/contains`, `q/equals-ignoring-case?`, …): fields of text. Public ids are text in Fibery. */
const TEXTUAL = new Set<FieldKind>(['text', 'email', 'uuid', 'number-text']);
/** `<`, `<=`, `>`, `>=`, `q/min`, `q/max`: fields whose values have an order. */
const ORDERED = new Set<FieldKind>([
  'text',
  'email',
  'uuid',
  'number-text',
  'integer',
  'decimal',
  'date',
  'date-time',
]);
/** `q/sum` and `q/avg`: numbers. */
const NUMERIC = new Set<FieldKind>(['integer', 'decimal']);

const DESCRIBE: Record<FieldKind, string> = {
  uuid: 'an id',
  text: 'text',
  email: 'an email',
  boolean: 'true or false',
  'date-time': 'a date-time',
  date: 'a date',
  integer: 'a whole number',
  decimal: 'a number',
  json: 'a JSON value (a range, a location or JSON)',
  'number-text': 'a public id',
};

function refuse(
  name: 'entity.error/invalid-operator' | 'entity.error/invalid-aggregate',
  op: string,
  path: FieldPath,
  takes: string,
) {
  return commandError(
    name,
    `${op} takes ${takes}; "${path.name}" holds ${DESCRIBE[path.field.kind]} (${path.field.fiberyType}).`,
    { operator: op, field: path.name, type: path.field.fiberyType },
  );
}

export function checkTextOperator(op: string, path: FieldPath): void {
  if (!TEXTUAL.has(path.field.kind)) throw refuse('entity.error/invalid-operator', op, path, 'a text field');
}

export function checkOrderedOperator(op: string, path: FieldPath): void {
  if (!ORDERED.has(path.field.kind))
    throw refuse('entity.error/invalid-operator', op, path, 'a field of numbers, dates or text');
}

export function checkAggregate(fn: AggregateFn, op: string, path: FieldPath): void {
  if ((fn === 'sum' || fn === 'avg') && !NUMERIC.has(path.field.kind))
    throw refuse('entity.error/invalid-aggregate', op, path, 'a field of numbers');
  if ((fn === 'min' || fn === 'max') && !ORDERED.has(path.field.kind))
    throw refuse('entity.error/invalid-aggregate', op, path, 'a field of numbers, dates or text');
}
