/** A parsed query: the tree the parser builds and the compiler trusts. */
import type { FieldModel, RelationModel, TypeModel } from '../model/index.ts';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
/** A text test; its negation is the condition's `negate`. */
export type TextOp =
  | 'contains'
  | 'contains-ignoring-case'
  | 'equals-ignoring-case'
  | 'starts-with-ignoring-case'
  | 'ends-with-ignoring-case';
export type AggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max';

/** One hop through a relation field of the row before it. */
export interface Step {
  relation: RelationModel;
  /** The related database. */
  target: TypeModel;
}

/** A field reached from the query's row through `steps` (empty for the row's own field). */
export interface FieldPath {
  steps: Step[];
  /** The field at the end of the path, of the last step's target. */
  field: FieldModel;
  /** The path as written, for messages. */
  name: string;
}

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'compare'; op: CompareOp; path: FieldPath; value: string | number | boolean | null }
  | { kind: 'in'; negate: boolean; path: FieldPath; values: (string | number | boolean)[] }
  | { kind: 'text'; op: TextOp; negate: boolean; path: FieldPath; value: string }
  | { kind: 'null'; path: FieldPath; orEmpty: boolean; expected: boolean }
  /** `["=", ["q/count", ["Space/Collection", "fibery/id"]], "$n"]`: an aggregate over a row's collection. */
  | { kind: 'aggregate'; op: CompareOp; fn: AggregateFn; path: FieldPath; value: string | number | boolean };

export type SelectNode =
  /** A value: a field of the row, or at the end of to-one steps. */
  | { kind: 'value'; key: string; path: FieldPath }
  /** A nested object; `null` when `present` (a to-one relation's id) is null. */
  | { kind: 'object'; key: string; present: FieldPath | null; children: SelectNode[] }
  /** A collection field of the row, read by a sub-query of its own. */
  | { kind: 'collection'; key: string; relation: RelationModel; query: ParsedQuery }
  /** An aggregate over a collection of the row. */
  | { kind: 'aggregate'; key: string; fn: AggregateFn; path: FieldPath };

export type Selection =
  | { kind: 'rows'; nodes: SelectNode[] }
  /** Aggregates over all rows the query matches: one result row. */
  | { kind: 'aggregate'; items: { key: string; fn: AggregateFn; path: FieldPath }[] };

export interface ParsedQuery {
  type: TypeModel;
  select: Selection;
  where: Condition | null;
  orderBy: { path: FieldPath; direction: 'asc' | 'desc' }[];
  /** null: no limit (`q/no-limit`). */
  limit: number | null;
  offset: number;
}
