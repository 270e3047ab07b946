/**
 * A parsed query → one SQL statement for SQLite or PostgreSQL. Field SQL comes only from the type
 * model and every value is a bound parameter. Both databases give the same answers: text compares
 * and sorts bytewise (`COLLATE "C"` on PostgreSQL, SQLite's default), NULLs sort first ascending,
 * and ties are broken by the type's id field.
 */
import type { Dialect, SqlValue } from '../../storage/index.ts';
import type { Condition, ParsedQuery } from './parse-query.ts';
import type { FieldModel } from './type-model.ts';

export interface CompiledQuery {
  sql: string;
  params: SqlValue[];
}

class Builder {
  readonly params: SqlValue[] = [];
  readonly dialect: Dialect;

  constructor(dialect: Dialect) {
    this.dialect = dialect;
  }

  bind(value: SqlValue): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  text(value: string): string {
    return `CAST(${this.bind(value)} AS TEXT)`;
  }

  /** The field as compared and sorted: bytewise for text on PostgreSQL too. */
  column(field: FieldModel): string {
    const textual = field.kind === 'text' || field.kind === 'email' || field.kind === 'uuid';
    return textual && this.dialect === 'postgres' ? `(${field.sql} COLLATE "C")` : field.sql;
  }

  contains(haystack: string, needle: string): string {
    return this.dialect === 'postgres'
      ? `strpos(${haystack}, ${needle}) > 0`
      : `instr(${haystack}, ${needle}) > 0`;
  }

  condition(condition: Condition): string {
    switch (condition.kind) {
      case 'and':
      case 'or':
        return `(${condition.items.map((item) => this.condition(item)).join(condition.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'compare': {
        const column = this.column(condition.field);
        if (condition.value === null) return `${column} IS ${condition.op === '=' ? '' : 'NOT '}NULL`;
        // `!=` keeps rows where the field is NULL, as "not equal to the value" reads.
        if (condition.op === '!=') return `(${column} <> ${this.bind(condition.value)} OR ${column} IS NULL)`;
        return `${column} ${condition.op} ${this.bind(condition.value)}`;
      }
      case 'in': {
        if (condition.values.length === 0) return condition.negate ? '1 = 1' : '1 = 0';
        const list = condition.values.map((value) => this.bind(value)).join(', ');
        const column = this.column(condition.field);
        return condition.negate
          ? `(${column} NOT IN (${list}) OR ${column} IS NULL)`
          : `${column} IN (${list})`;
      }
      case 'null': {
        const column = condition.field.sql;
        const empty =
          condition.orEmpty && condition.field.kind !== 'boolean' ? ` OR CAST(${column} AS TEXT) = ''` : '';
        const test = `(${column} IS NULL${empty})`;
        return condition.expected ? test : `NOT ${test}`;
      }
      case 'text': {
        const column = condition.field.sql;
        const lower = `lower(${column})`;
        const value = this.text(condition.value);
        switch (condition.op) {
          case 'contains':
            return `COALESCE(${this.contains(column, value)}, FALSE)`;
          case 'not-contains':
            return `NOT COALESCE(${this.contains(column, value)}, FALSE)`;
          case 'contains-ignoring-case':
            return `COALESCE(${this.contains(lower, `lower(${value})`)}, FALSE)`;
          case 'not-contains-ignoring-case':
            return `NOT COALESCE(${this.contains(lower, `lower(${value})`)}, FALSE)`;
          case 'equals-ignoring-case':
            return `${lower} = lower(${value})`;
          case 'not-equals-ignoring-case':
            return `(${lower} <> lower(${value}) OR ${column} IS NULL)`;
          case 'starts-with-ignoring-case':
            return `lower(substr(${column}, 1, length(${value}))) = lower(${value})`;
          case 'ends-with-ignoring-case':
            return `(length(${column}) >= length(${value}) AND lower(substr(${column}, length(${column}) - length(${value}) + 1)) = lower(${value}))`;
        }
      }
    }
  }
}

export function compileQuery(query: ParsedQuery, workspaceId: string, dialect: Dialect): CompiledQuery {
  const b = new Builder(dialect);
  // Bound only where the scope uses it: PostgreSQL cannot type a parameter no expression uses.
  const scope = query.type.scope.includes('$workspace')
    ? query.type.scope.replace('$workspace', b.bind(workspaceId))
    : query.type.scope;
  const where = query.where ? ` AND ${b.condition(query.where)}` : '';
  const from = `FROM ${query.type.from} WHERE ${scope}${where}`;

  if (query.select.kind === 'count') return { sql: `SELECT count(*) AS n ${from}`, params: b.params };

  const columns = query.select.columns.map((column, i) => `${column.field.sql} AS c${i}`).join(', ');
  const id = query.type.fields[query.type.idField]!;
  const order = [...query.orderBy, { field: id, direction: 'asc' as const }]
    .map(
      ({ field, direction }) =>
        `${b.column(field)} ${direction === 'asc' ? 'ASC NULLS FIRST' : 'DESC NULLS LAST'}`,
    )
    .join(', ');
  // SQLite takes OFFSET only after a LIMIT; -1 means none there.
  const noLimit = query.offset > 0 && dialect === 'sqlite' ? ' LIMIT -1' : '';
  const limit = query.limit === null ? noLimit : ` LIMIT ${b.bind(query.limit)}`;
  const offset = query.offset > 0 ? ` OFFSET ${b.bind(query.offset)}` : '';
  const sql = `SELECT ${columns} ${from} ORDER BY ${order}${limit}${offset}`;
  return { sql, params: b.params };
}

/** Rows of the compiled statement → Fibery's result objects. */
export function shapeRows(query: ParsedQuery, rows: Record<string, unknown>[]): unknown[] {
  if (query.select.kind === 'count') return [{ [query.select.key]: Number(rows[0]?.n ?? 0) }];
  const columns = query.select.columns;
  return rows.map((row) =>
    Object.fromEntries(columns.map((column, i) => [column.key, column.field.decode(row[`c${i}`] ?? null)])),
  );
}
