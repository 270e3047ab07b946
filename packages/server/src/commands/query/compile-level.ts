/**
 * One SELECT of a parsed query: the top one, or a collection sub-query for all its parents' ids at
 * once, with `ROW_NUMBER()` applying its limit per parent. Both databases give the same answers: text
 * compares and sorts bytewise, NULLs sort first ascending, and ties are broken by creation date, then
 * id.
 */
import type { SqlValue } from '../../storage/index.ts';
import type { FieldModel, RelationModel } from '../model/index.ts';
import type { AggregateFn, ParsedQuery, SelectNode } from './ast.ts';
import type { Builder } from './builder.ts';
import { checkQueryLimit } from './query-limits.ts';
import { Scope } from './scope.ts';

export type Row = Record<string, unknown>;
type Shaper = (row: Row) => unknown;
type Parent = { relation: RelationModel; ids: string[] } | null;

export interface Level {
  sql: string;
  params: SqlValue[];
  shape(row: Row): Record<string, unknown>;
  /** Collection sub-queries to run for this level's rows (`_id` holds each row's id). */
  collections: (SelectNode & { kind: 'collection' })[];
}

/** The select list of one SELECT, named c0, c1, … */
class Columns {
  readonly list: string[] = [];
  add(sql: string): string {
    checkQueryLimit('columns', this.list.length + 1);
    this.list.push(`${sql} AS c${this.list.length}`);
    return `c${this.list.length - 1}`;
  }
}

/** One SELECT of a query (the top one, or a collection sub-query for `parent` ids). */
export function compileLevel(b: Builder, query: ParsedQuery, workspaceId: string, parent: Parent): Level {
  const t = parent ? b.alias() : 't';
  const scope = new Scope(b, t);
  const { from, parentKey, where } = rowsOf(b, scope, query, workspaceId, parent);
  const columns = new Columns();
  const body = () => `FROM ${from}${scope.joinSql} WHERE ${where.join(' AND ') || '1 = 1'}`;
  if (query.select.kind === 'aggregate') {
    const shapers = query.select.items.map((item) => {
      const c = columns.add(scope.aggregate(item.fn, item.path));
      return [item.key, (row: Row) => decodeAggregate(item.fn, item.path.field, row[c])] as const;
    });
    const shape = (row: Row) => Object.fromEntries(shapers.map(([key, s]) => [key, s(row)]));
    return { sql: `SELECT ${columns.list.join(', ')} ${body()}`, params: b.params, shape, collections: [] };
  }
  const collections: Level['collections'] = [];
  const shapers = query.select.nodes.map(
    (node) => [node.key, shaper(node, scope, columns, collections)] as const,
  );
  const shape = (row: Row) => Object.fromEntries(shapers.map(([key, s]) => [key, s(row)]));
  const order = orderBy(b, scope, query);
  const id = query.type.fields[query.type.idField]!;
  const hidden = `${id.sql(t, b.sql)} AS _id${parentKey ? `, ${parentKey} AS _p` : ''}`;
  const list = [hidden, ...columns.list].join(', ');
  if (parentKey && parent!.ids.length > 1) {
    // The limit and offset apply to each parent's items.
    const n = `ROW_NUMBER() OVER (PARTITION BY ${parentKey} ORDER BY ${order}) AS _n`;
    const range = [
      query.offset > 0 ? `_n > ${b.bind(query.offset)}` : null,
      query.limit !== null ? `_n <= ${b.bind(query.offset + query.limit)}` : null,
    ].filter(Boolean);
    const sql = `SELECT * FROM (SELECT ${list}, ${n} ${body()}) s${range.length ? ` WHERE ${range.join(' AND ')}` : ''} ORDER BY _p, _n`;
    return { sql, params: b.params, shape, collections };
  }
  const noLimit = query.offset > 0 ? b.sql.offsetWithoutLimit : '';
  const limit = query.limit === null ? noLimit : ` LIMIT ${b.bind(query.limit)}`;
  const offset = query.offset > 0 ? ` OFFSET ${b.bind(query.offset)}` : '';
  return {
    sql: `SELECT ${list} ${body()} ORDER BY ${order}${limit}${offset}`,
    params: b.params,
    shape,
    collections,
  };
}

/** The rows a level reads: its FROM, the key of each row's parent, and its conditions. */
function rowsOf(b: Builder, scope: Scope, query: ParsedQuery, workspaceId: string, parent: Parent) {
  const { type } = query;
  const t = scope.base;
  const where: string[] = [];
  let from: string;
  let parentKey: string | null = null;
  if (parent) {
    const source = b.collectionSource(parent.relation, type, t);
    from = source.from;
    parentKey = source.parentKey;
    where.push(
      parent.ids.length === 1 ? `${parentKey} = ${b.bind(parent.ids[0]!)}` : b.inList(parentKey, parent.ids),
    );
  } else {
    const source = type.source(t);
    from = `${source.table}${source.joins.map((join) => ` LEFT JOIN ${join}`).join('')}`;
  }
  const typeScope = type.scope(t, () => b.bind(workspaceId));
  if (typeScope) where.push(typeScope);
  if (query.where) where.push(scope.condition(query.where));
  return { from, parentKey, where };
}

/** How a select node's value is read from a result row. */
function shaper(node: SelectNode, scope: Scope, columns: Columns, collections: Level['collections']): Shaper {
  switch (node.kind) {
    case 'value': {
      const c = columns.add(scope.expr(node.path));
      return (row) => node.path.field.decode(row[c] ?? null);
    }
    case 'aggregate': {
      const c = columns.add(scope.aggregate(node.fn, node.path));
      return (row) => decodeAggregate(node.fn, node.path.field, row[c]);
    }
    case 'collection':
      collections.push(node);
      return () => [];
    case 'object': {
      const present = node.present ? columns.add(scope.expr(node.present)) : null;
      const children = node.children.map(
        (child) => [child.key, shaper(child, scope, columns, collections)] as const,
      );
      return (row) =>
        present !== null && (row[present] ?? null) === null
          ? null
          : Object.fromEntries(children.map(([key, shape]) => [key, shape(row)]));
    }
  }
}

/** The ORDER BY: the query's own terms, then Fibery's default order as tie-breakers. */
function orderBy(b: Builder, scope: Scope, query: ParsedQuery): string {
  const { type } = query;
  const id = type.fields[type.idField]!;
  const created = type.fields['fibery/creation-date'];
  const own = (field: FieldModel, name: string) => ({
    path: { steps: [], field, name },
    direction: 'asc' as const,
  });
  // Once an order names the row's own id it is total: what follows would only slow it (an index on
  // the id alone would no longer give it).
  const total = query.orderBy.findIndex(({ path }) => path.steps.length === 0 && path.field === id);
  const terms =
    total >= 0
      ? query.orderBy.slice(0, total + 1)
      : [...query.orderBy, ...(created ? [own(created, 'fibery/creation-date')] : []), own(id, type.idField)];
  return terms
    .map(({ path, direction }) => {
      const expr = b.collate(scope.expr(path), path.field);
      // The type's own id and creation date are never NULL: without a NULLS clause an index on them
      // gives the order (each entity table's index on (creation date, id), bytewise on PostgreSQL).
      if (path.steps.length === 0 && (path.field === id || path.field === created))
        return `${expr} ${direction === 'asc' ? 'ASC' : 'DESC'}`;
      return `${expr} ${direction === 'asc' ? 'ASC NULLS FIRST' : 'DESC NULLS LAST'}`;
    })
    .join(', ');
}

const decodeAggregate = (fn: AggregateFn, field: FieldModel, value: unknown) =>
  value === null || value === undefined
    ? null
    : fn === 'min' || fn === 'max'
      ? field.decode(value)
      : Number(value);
