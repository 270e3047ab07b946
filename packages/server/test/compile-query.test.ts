// Golden tests of the query compiler: for each q/where operator and each q/select form, the SQL and
// parameters it gives on each database, beside the end-to-end tests that run them. A change of the
// SQL shows here as a diff of `compile-query.test.ts.snapshot`; after checking it, accept it with
// `node --test --test-update-snapshots packages/server/test/compile-query.test.ts`.
import { describe, test } from 'node:test';
import { compileQuery, loadWorkspaceTypes, parseQuery } from '../src/commands/index.ts';
import type { Repositories, SchemaField, SchemaType } from '../src/storage/index.ts';

const text = (id: string, name: string, fiberyType = 'fibery/text'): SchemaField => ({
  id,
  name,
  fiberyType,
  columnName: `f_${id}`,
  meta: {},
  storage: null,
});

/** Players with one field of each kind, a current team (a column) and former teams (a join table). */
const SCHEMA: SchemaType[] = [
  {
    id: 'player',
    name: 'Cricket/Player',
    tableName: 'e_player',
    meta: {},
    fields: [
      text('name', 'Cricket/Name'),
      text('age', 'Cricket/Age', 'fibery/int'),
      text('height', 'Cricket/Height', 'fibery/decimal'),
      text('active', 'Cricket/Active', 'fibery/bool'),
      text('born', 'Cricket/Born', 'fibery/date'),
      text('joined', 'Cricket/Joined', 'fibery/date-time'),
      text('career', 'Cricket/Career', 'fibery/date-range'),
      {
        id: 'current',
        name: 'Cricket/Current Team',
        fiberyType: 'Cricket/Team',
        columnName: 'f_current',
        meta: { 'fibery/relation': 'r1' },
        storage: { kind: 'column' },
      },
      {
        id: 'former',
        name: 'Cricket/Former Teams',
        fiberyType: 'Cricket/Team',
        columnName: '',
        meta: { 'fibery/collection?': true },
        storage: { kind: 'join', table: 'j_former', self: 'a', other: 'b' },
      },
    ],
  },
  {
    id: 'team',
    name: 'Cricket/Team',
    tableName: 'e_team',
    meta: {},
    fields: [
      text('team_name', 'Cricket/Name'),
      {
        id: 'players',
        name: 'Cricket/Players',
        fiberyType: 'Cricket/Player',
        columnName: '',
        meta: { 'fibery/relation': 'r1', 'fibery/collection?': true },
        storage: { kind: 'reverse', field: 'current' },
      },
    ],
  },
];

const schemaOnly = { getSchema: async () => ({ version: 1, types: SCHEMA }) } as unknown as Repositories;
const { types } = await loadWorkspaceTypes(schemaOnly, 'w1');
const limits = { defaultLimit: 100, maxLimit: 1000 };

const players = (rest: Record<string, unknown>) => ({
  'q/from': 'Cricket/Player',
  'q/select': ['fibery/id'],
  ...rest,
});
const where = (condition: unknown, params: Record<string, unknown>) => ({
  query: players({ 'q/where': condition }),
  params,
});

const CASES: Record<string, { query: Record<string, unknown>; params?: Record<string, unknown> }> = {
  'default select and order': { query: players({}) },
  'select by name, to-one path, object, collection and aggregate': {
    query: {
      'q/from': 'Cricket/Player',
      'q/select': [
        'Cricket/Name',
        { 'Cricket/Current Team': ['Cricket/Name'] },
        { 'Cricket/Former Teams': { 'q/select': ['Cricket/Name'], 'q/limit': 2 } },
        { formerCount: ['q/count', ['Cricket/Former Teams', 'fibery/id']] },
      ],
    },
  },
  'map select with a path': {
    query: { 'q/from': 'Cricket/Player', 'q/select': { team: ['Cricket/Current Team', 'Cricket/Name'] } },
  },
  'aggregates over all rows': {
    query: {
      'q/from': 'Cricket/Player',
      'q/select': {
        n: ['q/count', 'fibery/id'],
        total: ['q/sum', 'Cricket/Age'],
        mean: ['q/avg', 'Cricket/Height'],
        first: ['q/min', 'Cricket/Name'],
        last: ['q/max', 'Cricket/Born'],
      },
    },
  },
  'order, limit and offset': {
    query: players({ 'q/order-by': [[['Cricket/Name'], 'q/desc']], 'q/limit': 10, 'q/offset': 20 }),
  },
  'offset without a limit': { query: players({ 'q/limit': 'q/no-limit', 'q/offset': 5 }) },
  '=': where(['=', ['Cricket/Name'], '$v'], { $v: 'Ellyse' }),
  '!=': where(['!=', ['Cricket/Age'], '$v'], { $v: 30 }),
  '= null': where(['=', ['Cricket/Name'], '$v'], { $v: null }),
  '< on text': where(['<', ['Cricket/Name'], '$v'], { $v: 'M' }),
  '>= on a date-time': where(['>=', ['Cricket/Joined'], '$v'], { $v: '2020-01-01T00:00:00.000Z' }),
  'q/in on integers': where(['q/in', ['Cricket/Age'], '$v'], { $v: [30, 31] }),
  'q/not-in on text': where(['q/not-in', ['Cricket/Name'], '$v'], { $v: ['A', 'B'] }),
  'q/in on decimals': where(['q/in', ['Cricket/Height'], '$v'], { $v: [1.8] }),
  'q/in on booleans': where(['q/in', ['Cricket/Active'], '$v'], { $v: [true] }),
  'q/contains': where(['q/contains', ['Cricket/Name'], '$v'], { $v: 'per' }),
  'q/not-contains': where(['q/not-contains', ['Cricket/Name'], '$v'], { $v: 'per' }),
  'q/contains?': where(['q/contains?', ['Cricket/Name'], '$v'], { $v: 'Per' }),
  'q/equals-ignoring-case?': where(['q/equals-ignoring-case?', ['Cricket/Name'], '$v'], { $v: 'x' }),
  'q/not-equals-ignoring-case?': where(['q/not-equals-ignoring-case?', ['Cricket/Name'], '$v'], { $v: 'x' }),
  'q/starts-with-ignoring-case?': where(['q/starts-with-ignoring-case?', ['Cricket/Name'], '$v'], {
    $v: 'e',
  }),
  'q/ends-with-ignoring-case?': where(['q/ends-with-ignoring-case?', ['Cricket/Name'], '$v'], { $v: 'y' }),
  'q/null?': where(['q/null?', ['Cricket/Born']], {}),
  'q/null-or-empty? compared with false': where(['=', ['q/null-or-empty?', ['Cricket/Name']], '$v'], {
    $v: false,
  }),
  'q/and and q/or': where(
    [
      'q/and',
      ['=', ['Cricket/Active'], '$a'],
      ['q/or', ['>', ['Cricket/Age'], '$b'], ['<', ['Cricket/Age'], '$c']],
    ],
    { $a: true, $b: 35, $c: 20 },
  ),
  'a to-one path': where(['=', ['Cricket/Current Team', 'Cricket/Name'], '$v'], { $v: 'Sixers' }),
  'a relation by id': where(['=', ['Cricket/Current Team', 'fibery/id'], '$v'], {
    $v: '00000000-0000-0000-0000-000000000001',
  }),
  'through a collection': where(['=', ['Cricket/Former Teams', 'Cricket/Name'], '$v'], { $v: 'Stars' }),
  'negated through a collection': where(['!=', ['Cricket/Former Teams', 'Cricket/Name'], '$v'], {
    $v: 'Stars',
  }),
  'an aggregate of a collection': where(['>', ['q/count', ['Cricket/Former Teams', 'fibery/id']], '$v'], {
    $v: 1,
  }),
  'the start of a date range': where(['<', ['q/start', ['Cricket/Career']], '$v'], { $v: '2010-01-01' }),
  '$my-id': {
    query: { 'q/from': 'fibery/user', 'q/select': ['fibery/id'], 'q/where': ['=', ['fibery/id'], '$my-id'] },
  },
  'a collection through its reverse column': {
    query: {
      'q/from': 'Cricket/Team',
      'q/select': ['Cricket/Name', { 'Cricket/Players': { 'q/select': ['Cricket/Name'], 'q/limit': 3 } }],
      'q/where': ['=', ['Cricket/Players', 'Cricket/Age'], '$age'],
    },
    params: { $age: 30 },
  },
};

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`the query compiler's SQL on ${dialect}`, () => {
    for (const [name, { query, params }] of Object.entries(CASES)) {
      test(name, (t) => {
        const parsed = parseQuery({ query, params }, 'u1', limits, types);
        t.assert.snapshot(compileQuery(parsed, 'w1', dialect));
      });
    }
  });
}
