/**
 * Runs a parsed query: one statement, plus one per collection sub-query per level, for all parent
 * rows at once (the parent ids are one JSON parameter): never one per row.
 */
import { type Dialect, type SqlValue, sqlDialect } from '../../storage/index.ts';
import type { ParsedQuery } from './ast.ts';
import { Builder } from './builder.ts';
import { compileLevel, type Level, type Row } from './compile-level.ts';

export interface QueryExecutor {
  dialect: Dialect;
  queryRows(sql: string, params: readonly SqlValue[]): Promise<Row[]>;
}

/**
 * The SQL of a query's first statement, and of each of its collection sub-queries as they would run
 * for `parentIds` (for tests and the bench).
 */
export function compileQuery(
  query: ParsedQuery,
  workspaceId: string,
  dialect: Dialect,
  parentIds: string[] = ['p1', 'p2'],
) {
  const sql = sqlDialect(dialect);
  const level = compileLevel(new Builder(sql), query, workspaceId, null);
  const collections = level.collections.map((node) => {
    const sub = compileLevel(new Builder(sql), node.query, workspaceId, {
      relation: node.relation,
      ids: parentIds,
    });
    return { key: node.key, sql: sub.sql, params: sub.params };
  });
  return { sql: level.sql, params: level.params, collections };
}

async function fill(db: QueryExecutor, workspaceId: string, level: Level, rows: Row[], objects: Row[]) {
  for (const node of level.collections) {
    for (const object of objects) object[node.key] = [];
    const ids = [...new Set(rows.map((row) => String(row._id)))];
    if (ids.length === 0) continue;
    const sub = compileLevel(new Builder(sqlDialect(db.dialect)), node.query, workspaceId, {
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
  const level = compileLevel(new Builder(sqlDialect(db.dialect)), query, workspaceId, null);
  const rows = await db.queryRows(level.sql, level.params);
  const objects = rows.map(level.shape);
  await fill(db, workspaceId, level, rows, objects);
  return objects;
}
