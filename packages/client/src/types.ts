/** The commands of Fibery's API and its query language, as types. */

/** A field, or a path through to-one relations to a field: `"Cricket/Name"`, `["Cricket/Team", "Cricket/Name"]`. */
export type FieldPath = string | readonly string[];

/** A `$param` reference; values always go through `params`. */
export type Param = `$${string}`;

export type CompareOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type TextOperator =
  | 'q/contains'
  | 'q/not-contains'
  | 'q/contains?'
  | 'q/not-contains?'
  | 'q/equals-ignoring-case?'
  | 'q/not-equals-ignoring-case?'
  | 'q/starts-with-ignoring-case?'
  | 'q/ends-with-ignoring-case?'
  | 'q/contains-ignoring-case?'
  | 'q/not-contains-ignoring-case?';
export type AggregateFunction = 'q/count' | 'q/sum' | 'q/avg' | 'q/min' | 'q/max';
export type Aggregate = readonly [AggregateFunction, FieldPath];

/** A `q/where` condition. */
export type Condition =
  | readonly ['q/and' | 'q/or', ...Condition[]]
  | readonly [
      CompareOperator,
      FieldPath | Aggregate | readonly ['q/null?' | 'q/null-or-empty?', FieldPath],
      Param,
    ]
  | readonly ['q/in' | 'q/not-in', FieldPath, Param]
  | readonly [TextOperator, FieldPath, Param]
  | readonly ['q/null?' | 'q/null-or-empty?', FieldPath];

/** A vector select (`["fibery/id", {"Cricket/Team": ["Cricket/Name"]}]`) or a map select (`{"name": "Cricket/Name"}`). */
export type Select =
  | readonly (string | { readonly [relation: string]: Select | SubQuery | Aggregate })[]
  | { readonly [key: string]: FieldPath | Aggregate | SubQuery | Select };

/** A sub-query of a collection in a map select. */
export interface SubQuery {
  'q/from'?: FieldPath;
  'q/select': Select;
  'q/where'?: Condition;
  'q/order-by'?: readonly (readonly [FieldPath, 'q/asc' | 'q/desc'])[];
  'q/limit'?: number | 'q/no-limit';
  'q/offset'?: number;
}

/** A `fibery.entity/query` query. */
export interface Query extends SubQuery {
  'q/from': string;
}

export type Params = Record<string, unknown>;

/** One command of `POST /api/commands`. */
export interface Command {
  command: string;
  args?: Record<string, unknown>;
}

/** An entity as a query returns it, or as a write takes it. */
export type Entity = Record<string, unknown>;

/** A database of `fibery.schema/query`. */
export interface SchemaType {
  'fibery/name': string;
  'fibery/fields': { 'fibery/name': string; 'fibery/type': string; 'fibery/meta': Record<string, unknown> }[];
  'fibery/meta': Record<string, unknown>;
  [key: string]: unknown;
}

export interface Schema {
  'fibery/types': SchemaType[];
  [key: string]: unknown;
}

/** An API token as `GET /api/tokens` lists it. */
export interface ApiToken {
  id: string;
  description: string | null;
  created_at?: string;
  [key: string]: unknown;
}
