/** What the parser and its `q/where` and `q/select` readers share: the aggregates, and the error of a bad query. */
import { commandError } from '../core/index.ts';
import type { AggregateFn } from './ast.ts';

export const AGGREGATES: Record<string, AggregateFn> = {
  'q/count': 'count',
  'q/sum': 'sum',
  'q/avg': 'avg',
  'q/min': 'min',
  'q/max': 'max',
};
export const invalid = (message: string) => commandError('entity.error/invalid-query', message);

export const isAggregate = (expr: unknown): expr is [string, unknown] =>
  Array.isArray(expr) && typeof expr[0] === 'string' && Object.hasOwn(AGGREGATES, expr[0]);
