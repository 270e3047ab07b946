export { userRows } from './change.ts';
export { applyMixins, installMixins } from './mixins.ts';
export { schemaBatch } from './schema-batch.ts';
export { describeSchema, schemaQuery } from './schema-query.ts';
