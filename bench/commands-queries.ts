// The representative queries of bench/commands.bench.ts: each as the command a client sends, and as
// the SQL someone would write by hand for it (statements run in order; `$n` placeholders).
import type { Dialect, SqlValue } from '../packages/server/src/storage/index.ts';

export interface Ids {
  player: string;
  team: string;
  me: string;
  workspace: string;
}

export interface Names {
  player: string;
  team: string;
  name: string;
  runs: string;
  current: string;
  teamName: string;
}

export interface BenchQuery {
  name: string;
  body(ids: Ids): { command: string; args: Record<string, unknown> };
  hand(names: Names, ids: Ids, dialect: Dialect): { sql: string; params: SqlValue[] }[];
}

const query = (q: Record<string, unknown>, params?: Record<string, unknown>) => ({
  command: 'fibery.entity/query',
  args: { query: q, ...(params ? { params } : {}) },
});

export const QUERIES: BenchQuery[] = [
  {
    name: 'seed example',
    body: () =>
      query({
        'q/from': 'fibery/user',
        'q/select': ['fibery/id', 'user/name'],
        'q/where': ['=', ['fibery/id'], '$my-id'],
        'q/limit': 1,
      }),
    hand: (_, ids) => [
      {
        sql: 'SELECT u.id, a.name FROM workspace_users u JOIN accounts a ON a.id = u.account_id WHERE u.workspace_id = $1 AND u.id = $2 LIMIT 1',
        params: [ids.workspace, ids.me],
      },
    ],
  },
  {
    name: 'by id',
    body: (ids) =>
      query(
        {
          'q/from': 'Cricket/Player',
          'q/select': {
            name: 'Cricket/Name',
            runs: 'Cricket/Runs',
            team: ['Cricket/Current Team', 'Cricket/Name'],
          },
          'q/where': ['=', ['fibery/id'], '$id'],
          'q/limit': 1,
        },
        { $id: ids.player },
      ),
    hand: (n, ids) => [
      {
        sql: `SELECT p.id, p.${n.name}, p.${n.runs}, t.${n.teamName} FROM ${n.player} p LEFT JOIN ${n.team} t ON t.id = p.${n.current} WHERE p.id = $1 LIMIT 1`,
        params: [ids.player],
      },
    ],
  },
  {
    name: 'filtered text',
    body: () =>
      query(
        {
          'q/from': 'Cricket/Player',
          'q/select': ['fibery/id', 'Cricket/Name'],
          'q/where': ['q/contains', ['Cricket/Name'], '$part'],
          'q/limit': 100,
        },
        { $part: 'er 4242' },
      ),
    hand: (n, _, dialect) => [
      {
        sql: `SELECT id, ${n.name} FROM ${n.player} WHERE ${dialect === 'postgres' ? 'strpos' : 'instr'}(${n.name}, $1) > 0 ORDER BY id LIMIT 100`,
        params: ['er 4242'],
      },
    ],
  },
  {
    name: 'order + limit 100',
    body: () =>
      query({
        'q/from': 'Cricket/Player',
        'q/select': ['Cricket/Name', 'Cricket/Runs'],
        'q/order-by': [[['Cricket/Runs'], 'q/desc']],
        'q/limit': 100,
      }),
    hand: (n) => [
      {
        sql: `SELECT id, ${n.name}, ${n.runs} FROM ${n.player} ORDER BY ${n.runs} DESC, id LIMIT 100`,
        params: [],
      },
    ],
  },
  {
    name: 'collection sub-query',
    body: (ids) =>
      query(
        {
          'q/from': 'Cricket/Team',
          'q/select': [
            'Cricket/Name',
            {
              'Cricket/Players': {
                'q/select': ['Cricket/Name', 'Cricket/Runs'],
                'q/order-by': [[['Cricket/Runs'], 'q/desc']],
                'q/limit': 10,
              },
            },
          ],
          'q/where': ['=', ['fibery/id'], '$id'],
          'q/limit': 1,
        },
        { $id: ids.team },
      ),
    hand: (n, ids) => [
      { sql: `SELECT id, ${n.teamName} FROM ${n.team} WHERE id = $1 LIMIT 1`, params: [ids.team] },
      {
        sql: `SELECT id, ${n.name}, ${n.runs} FROM ${n.player} WHERE ${n.current} = $1 ORDER BY ${n.runs} DESC, id LIMIT 10`,
        params: [ids.team],
      },
    ],
  },
  {
    name: 'count',
    body: (ids) =>
      query(
        {
          'q/from': 'Cricket/Player',
          'q/select': { n: ['q/count', 'fibery/id'] },
          'q/where': ['=', ['Cricket/Current Team', 'fibery/id'], '$team'],
          'q/limit': 1,
        },
        { $team: ids.team },
      ),
    hand: (n, ids) => [
      { sql: `SELECT count(*) AS n FROM ${n.player} WHERE ${n.current} = $1`, params: [ids.team] },
    ],
  },
];
