export type { ParsedQuery, SelectNode } from './ast.ts';
export { entityQuery } from './entity-query.ts';
export { compileQuery, executeQuery, type QueryExecutor } from './execute-query.ts';
export { parseQuery } from './parse-query.ts';
export { QUERY_LIMITS } from './query-limits.ts';
