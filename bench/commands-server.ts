// The server side of bench/commands.bench.ts. `commands-server.ts seed` creates the workspace and
// 100,000 entities with relations (SQLite in WEFT_DATA_DIR, or an empty PostgreSQL database at
// BENCH_DATABASE_URL) and exits; `commands-server.ts` then serves them as a real Weft app, plus a bare
// Fastify server returning the documented example's JSON and a hand-written floor (see below), so its
// memory is the server's alone.
// Before listening it times each representative query's compiled SQL against the same SQL written
// by hand, on the same database and driver. Prints one JSON line: { url, bareUrl, floorUrl, token, ids, sql }.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { createApp } from '../packages/server/src/app.ts';
import type { Principal } from '../packages/server/src/auth/index.ts';
import {
  executeQuery,
  loadWorkspaceTypes,
  parseQuery,
  runCommand,
} from '../packages/server/src/commands/index.ts';
import { createConfig } from '../packages/server/src/config/index.ts';
import { createLogger } from '../packages/server/src/http/logger.ts';
import { sha256Hex } from '../packages/server/src/security/secrets.ts';
import { openStorage, type SqlValue } from '../packages/server/src/storage/index.ts';
import { type Ids, QUERIES } from './commands-queries.ts';
import { median } from './median.ts';

const TEAMS = 1_000;
const PLAYERS = 99_000;

const { storage } = await openStorage({
  dataDir: process.env.WEFT_DATA_DIR!,
  databaseUrl: process.env.BENCH_DATABASE_URL,
});
await storage.migrate();
// Rate limits off, as the bench measures the commands API alone.
const app = await createApp({
  config: createConfig({ rateLimitToken: 0, rateLimitWorkspace: 0 }),
  storage,
  logger: createLogger('silent'),
});
const { auth } = app.weft;
const IDS_FILE = join(process.env.WEFT_DATA_DIR!, 'bench-ids.json');
/** What commands run with here: the bench admin, straight on the storage. */
const contextOf = (principal: Principal) => ({
  principal,
  db: storage,
  limits: { defaultLimit: 100, maxLimit: 10_000, maxCommands: 1000 },
  clock: { now: () => Date.now() },
  log: { log: app.log, requestId: 'bench' },
});

if (process.argv[2] === 'seed') {
  const workspace = await auth.accounts.createWorkspace({ slug: 'demo' });
  const { user } = await auth.accounts.createUser({
    workspace: 'demo',
    email: 'bench@example.com',
    name: 'Bench',
    role: 'admin',
  });
  const { value: token } = await auth.tokens.createToken(user);
  const principal: Principal = { workspace, user, role: 'admin', credential: { kind: 'token', id: 'bench' } };

  // The schema, through the commands API.
  const field = (holder: string, name: string, type: string, meta: Record<string, unknown> = {}) => ({
    command: 'schema.field/create',
    args: { 'fibery/holder-type': holder, 'fibery/name': name, 'fibery/type': type, 'fibery/meta': meta },
  });
  const envelope = await runCommand(
    {
      command: 'fibery.schema/batch',
      args: {
        commands: [
          {
            command: 'schema.type/create',
            args: {
              'fibery/name': 'Cricket/Player',
              'fibery/fields': [
                {
                  'fibery/name': 'Cricket/Name',
                  'fibery/type': 'fibery/text',
                  'fibery/meta': { 'ui/title?': true },
                },
                { 'fibery/name': 'Cricket/Runs', 'fibery/type': 'fibery/int' },
              ],
            },
          },
          {
            command: 'schema.type/create',
            args: {
              'fibery/name': 'Cricket/Team',
              'fibery/fields': [{ 'fibery/name': 'Cricket/Name', 'fibery/type': 'fibery/text' }],
            },
          },
          field('Cricket/Player', 'Cricket/Current Team', 'Cricket/Team', { 'fibery/relation': 'current' }),
          field('Cricket/Team', 'Cricket/Players', 'Cricket/Player', {
            'fibery/relation': 'current',
            'fibery/collection?': true,
          }),
          field('Cricket/Player', 'Cricket/Former Teams', 'Cricket/Team', {
            'fibery/relation': 'former',
            'fibery/collection?': true,
          }),
          field('Cricket/Team', 'Cricket/Former Players', 'Cricket/Player', {
            'fibery/relation': 'former',
            'fibery/collection?': true,
          }),
        ],
      },
    },
    contextOf(principal),
    { log: app.log, requestId: 'bench' },
  );
  if (!envelope.success) throw new Error(JSON.stringify(envelope));

  // The rows, written straight into the generated tables (a seed, not what is measured).
  const schema = await storage.getSchema(workspace.id);
  const player = schema.types.find((t) => t.name === 'Cricket/Player')!;
  const team = schema.types.find((t) => t.name === 'Cricket/Team')!;
  const col = (type: typeof player, name: string) => type.fields.find((f) => f.name === name)!;
  const former = col(player, 'Cricket/Former Teams').storage as {
    table: string;
    self: string;
    other: string;
  };
  const teamIds = Array.from({ length: TEAMS }, () => randomUUID());
  const now = Date.now();
  async function insert(table: string, columns: string[], rows: SqlValue[][]) {
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const values = chunk.map((row, r) => `(${row.map((_, c) => `$${r * row.length + c + 1}`).join(', ')})`);
      await storage.transaction((tx) =>
        tx.runStatement(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`,
          chunk.flat(),
        ),
      );
    }
  }
  const standard = ['id', 'public_id', 'creation_date', 'modification_date', 'created_by'];
  await insert(
    team.tableName,
    [...standard, col(team, 'Cricket/Name').columnName],
    teamIds.map((id, i) => [id, i + 1, now, now, user.id, `Team ${String(i).padStart(4, '0')}`]),
  );
  const playerIds = Array.from({ length: PLAYERS }, () => randomUUID());
  await insert(
    player.tableName,
    [
      ...standard,
      col(player, 'Cricket/Name').columnName,
      col(player, 'Cricket/Runs').columnName,
      col(player, 'Cricket/Current Team').columnName,
    ],
    playerIds.map((id, i) => [
      id,
      i + 1,
      now,
      now,
      user.id,
      `Player ${i}`,
      (i * 7919) % 20_000,
      teamIds[i % TEAMS]!,
    ]),
  );
  await insert(
    former.table,
    [former.self, former.other],
    playerIds.map((id, i) => [id, teamIds[(i + 1) % TEAMS]!]),
  );
  await storage.transaction(async (tx) => {
    await tx.runStatement('UPDATE schema_types SET public_sequence = $1 WHERE id = $2', [TEAMS, team.id]);
    await tx.runStatement('UPDATE schema_types SET public_sequence = $1 WHERE id = $2', [PLAYERS, player.id]);
  });
  if (storage.dialect === 'postgres') await storage.queryRows('ANALYZE', []);
  const ids = { player: playerIds[4242]!, team: teamIds[42]!, me: user.id, workspace: workspace.id };
  writeFileSync(IDS_FILE, JSON.stringify({ ids, token }));

  await storage.close();
  process.exit(0);
}

const { ids, token } = JSON.parse(readFileSync(IDS_FILE, 'utf8')) as { ids: Ids; token: string };
const workspace = (await storage.getWorkspaceBySlug('demo'))!;
const [user] = (await storage.listWorkspaceUsers(workspace.id)).filter((u) => u.id === ids.me);
const principal: Principal = {
  workspace,
  user: user!,
  role: 'admin',
  credential: { kind: 'token', id: 'bench' },
};
const schema = await storage.getSchema(workspace.id);
const player = schema.types.find((t) => t.name === 'Cricket/Player')!;
const team = schema.types.find((t) => t.name === 'Cricket/Team')!;
const col = (type: typeof player, name: string) => type.fields.find((f) => f.name === name)!;
// Compiled SQL against hand-written SQL, alternating, on the same connection.
const { types } = await loadWorkspaceTypes(storage, workspace.id);
const names = {
  player: player.tableName,
  team: team.tableName,
  name: col(player, 'Cricket/Name').columnName,
  runs: col(player, 'Cricket/Runs').columnName,
  current: col(player, 'Cricket/Current Team').columnName,
  teamName: col(team, 'Cricket/Name').columnName,
};
type Statement = { sql: string; params: SqlValue[] };
async function timeOf(statements: Statement[], n: number) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) for (const { sql, params } of statements) await storage.queryRows(sql, params);
  return Number(process.hrtime.bigint() - start) / 1e6 / n;
}
const sql = [];
// BENCH_SKIP_SQL=1 skips this part (for profiling the HTTP path alone).
for (const q of process.env.BENCH_SKIP_SQL === '1' ? [] : QUERIES) {
  const body = q.body(ids);
  const parsed = parseQuery(body.args, user.id, { defaultLimit: 100, maxLimit: 10_000 }, types);
  // The statements the compiler issues for the query, recorded on one run.
  const compiled: Statement[] = [];
  await executeQuery(
    parsed,
    {
      dialect: storage.dialect,
      queryRows: (text, params) => {
        compiled.push({ sql: text, params: [...params] });
        return storage.queryRows(text, params);
      },
    },
    workspace.id,
  );
  const hand = q.hand(names, ids, storage.dialect);
  const once = await timeOf(compiled, 3);
  // As many runs per round as fit in about 100 ms; rounds alternate which side goes first.
  const n = Math.max(5, Math.min(5000, Math.round(100 / Math.max(once, 0.001))));
  const times = { compiled: [] as number[], hand: [] as number[] };
  const ratios: number[] = [];
  for (let round = 0; round < 7; round++) {
    let c: number;
    let h: number;
    if (round % 2 === 0) {
      c = await timeOf(compiled, n);
      h = await timeOf(hand, n);
    } else {
      h = await timeOf(hand, n);
      c = await timeOf(compiled, n);
    }
    times.compiled.push(c);
    times.hand.push(h);
    ratios.push(c / h);
  }
  sql.push({
    name: q.name,
    compiledMs: median(times.compiled),
    handMs: median(times.hand),
    ratio: median(ratios),
    statements: compiled.map((s) => s.sql),
  });
}

// The bare baseline: Fastify answering with the documented example's exact JSON.
const example = QUERIES.find((q) => q.name === 'seed example')!;
const exampleReply = await runCommand(example.body(ids), contextOf(principal), {
  log: app.log,
  requestId: 'bench',
});
const bare = Fastify();
bare.post('/api/commands', async () => exampleReply);

// The floor: the least any exact, authenticated answer to the example does, written by hand without
// Weft's hooks, headers, logging or command language: the token's SHA-256 checked against the
// database's version (on SQLite, the WAL-index header Weft reads), then the example's SQL, through
// the same storage. What it leaves of the bare route bounds what Weft can reach.
const tokenHash = sha256Hex(token);
const [exampleSql] = example.hand(names, ids, storage.dialect);
const floor = Fastify();
floor.post('/api/commands', async (request, reply) => {
  storage.dataVersion();
  if (sha256Hex(request.headers.authorization?.slice('Token '.length) ?? '') !== tokenHash)
    return reply.code(401).send();
  const rows = (await storage.queryRows(exampleSql!.sql, exampleSql!.params)) as {
    id: string;
    name: string;
  }[];
  return { success: true, result: rows.map((row) => ({ 'fibery/id': row.id, 'user/name': row.name })) };
});

app.get('/bench/rss', async () => ({ maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
const floorUrl = await floor.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url, bareUrl, floorUrl, token, ids, sql })}\n`);
process.on('SIGTERM', async () => {
  await bare.close();
  await floor.close();
  await app.close();
  await storage.close();
  process.exit(0);
});
