import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrations } from '../src/storage/index.ts';
import { backends, type Place, tempDir } from './helpers/backends.ts';
import { listeningUrl, postCommand, runWeft, spawnWeft } from './helpers/spawn-weft.ts';

const SLOW_SERVER = fileURLToPath(new URL('./fixtures/serve-with-slow-route.ts', import.meta.url));
const postgres = backends.find((b) => b.name === 'postgres')!;

describe('first start', () => {
  let dataDir: string;
  before(() => {
    dataDir = tempDir();
  });

  test('creates the demo workspace and its admin and prints the password once', async () => {
    const first = spawnWeft(['serve'], { WEFT_DATA_DIR: dataDir, PORT: '0' });
    await first.waitFor(/Password: {2}(\S+)/);
    const url = await listeningUrl(first);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.match(first.stdout(), /Weft is running at http:\/\/localhost:\d+/);
    assert.match(first.stdout(), /created workspace "demo"/);
    assert.match(first.stdout(), /Email: {5}admin@example\.com/);
    const token = first.stdout().match(/API token: (weft_\S+)/)![1];
    const tokens = await fetch(`${url}/api/tokens`, { headers: { authorization: `Token ${token}` } });
    assert.equal(tokens.status, 200, 'the printed token works');
    const envelope = await postCommand<{
      result: { 'Cricket/Name': string; 'Cricket/Current Team': { 'Cricket/Name': string } }[];
    }>(url, token!, {
      command: 'fibery.entity/query',
      args: {
        query: {
          'q/from': 'Cricket/Player',
          'q/select': ['Cricket/Name', { 'Cricket/Current Team': ['Cricket/Name'] }],
          'q/order-by': [[['Cricket/Name'], 'q/asc']],
          'q/limit': 10,
        },
      },
    });
    assert.deepEqual(
      envelope.result.map((p) => [p['Cricket/Name'], p['Cricket/Current Team']['Cricket/Name']]),
      [
        ['Brian Lara', 'West Indies'],
        ['Curtly Ambrose', 'West Indies'],
        ['Ellyse Perry', 'Australia'],
        ['Virat Kohli', 'India'],
      ],
      'the sample space is there, players linked to their teams',
    );
    assert.match(
      first.stdout(),
      /curl -s http:\/\/localhost:\d+\/api\/commands -H 'Authorization: Token weft_/,
    );
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);

    const users = await runWeft(['user', 'list', '--workspace', 'demo', '--json'], {
      WEFT_DATA_DIR: dataDir,
    });
    assert.deepEqual(
      JSON.parse(users.stdout).users.map((u: { email: string; role: string }) => [u.email, u.role]),
      [['admin@example.com', 'admin']],
    );

    const second = spawnWeft(['serve'], { WEFT_DATA_DIR: dataDir, PORT: '0' });
    await listeningUrl(second);
    await second.waitFor(/Weft is running/);
    second.child.kill('SIGINT');
    assert.equal(await second.exited, 0);
    assert.doesNotMatch(second.stdout(), /Password|First start|weft_/);
  });
});

describe('first-start credentials and logs', () => {
  test('the credentials file is written once, readable only by its owner, and says how to get new ones', async () => {
    const dataDir = tempDir();
    const file = `${dataDir}/credentials.env`;
    const first = spawnWeft(['serve'], { WEFT_DATA_DIR: dataDir, PORT: '0', WEFT_CREDENTIALS_FILE: file });
    await first.waitFor(/readable only by you/);
    assert.match(first.stdout(), /A new password: npx weft user passwd --email admin@example\.com/);
    assert.match(
      first.stdout(),
      /a new token: npx weft token create --workspace demo --email admin@example\.com/,
    );
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
    const { mode } = statSync(file);
    assert.equal(mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    const password = /WEFT_PASSWORD=(\S+)/.exec(text)![1]!;
    assert.ok(first.stdout().includes(`Password:  ${password}`));
    assert.match(text, /WEFT_TOKEN=weft_\S+/);
  });

  test('--log-format pretty logs one readable line per request; json stays JSON', async () => {
    const dataDir = tempDir();
    const pretty = spawnWeft(['serve', '--log-format', 'pretty'], { WEFT_DATA_DIR: dataDir, PORT: '0' });
    const [, url] = await pretty.waitFor(/Weft is running at (http:\/\/\S+)/);
    const port =
      /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(pretty.stdout())?.[1] ?? new URL(url!).port;
    await fetch(`http://127.0.0.1:${port}/healthz?token=secret`);
    await pretty.waitFor(/GET \/healthz\?token=\[redacted\] 200 [\d.]+ ms/);
    const line = pretty
      .stdout()
      .split('\n')
      .find((l) => l.includes('GET /healthz'))!;
    assert.doesNotMatch(line, /^\{/, 'not JSON');
    assert.match(line, /^\S*\[?\d\d:\d\d:\d\d/, 'the time of day first');
    assert.doesNotMatch(pretty.stdout(), /incoming request/);
    pretty.child.kill('SIGTERM');
    assert.equal(await pretty.exited, 0);
  });

  test('a port in use says so and names the option', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const refused = await runWeft(['serve', '--host', '127.0.0.1', '--port', String(port)], {
        WEFT_DATA_DIR: tempDir(),
      });
      assert.equal(refused.code, 1);
      assert.match(
        refused.stderr,
        new RegExp(`weft: Port ${port} on 127\\.0\\.0\\.1 is in use .* --port N or PORT=N\\.`),
      );
      assert.doesNotMatch(refused.stderr, /EADDRINUSE|unexpected error/);
    } finally {
      blocker.close();
    }
  });
});

describe('OAuth keys at start', () => {
  test('are made at the first start, and a server that cannot read them serves the API and says why', async () => {
    const dataDir = tempDir();
    const env = { WEFT_DATA_DIR: dataDir, PORT: '0', WEFT_SECRET_KEY: 'k'.repeat(40) };
    const first = spawnWeft(['serve'], env);
    const url = await listeningUrl(first);
    const discovery = await fetch(`${url}/.well-known/openid-configuration`);
    assert.equal(discovery.status, 200);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);

    const locked = spawnWeft(['serve'], { WEFT_DATA_DIR: dataDir, PORT: '0' });
    const lockedUrl = await listeningUrl(locked);
    assert.match(locked.stdout(), /OAuth is unavailable: .*WEFT_SECRET_KEY/);
    assert.equal((await fetch(`${lockedUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${lockedUrl}/.well-known/openid-configuration`)).status, 500);
    locked.child.kill('SIGTERM');
    assert.equal(await locked.exited, 0);
  });
});

describe('start-up failures', () => {
  test('a data dir that cannot be written exits non-zero with one line naming WEFT_DATA_DIR', async () => {
    const blocked = `${fileURLToPath(import.meta.url)}/data`; // a folder inside a file
    const { code, stderr, stdout } = await runWeft(['serve'], { WEFT_DATA_DIR: blocked, PORT: '0' });
    assert.notEqual(code, 0);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, /^weft: WEFT_DATA_DIR .+ is not a writable folder .+--data-dir/);
    assert.doesNotMatch(stdout, /listening/);
  });

  test('a PostgreSQL that cannot be reached exits non-zero with one line naming DATABASE_URL, no password', async () => {
    const { code, stderr } = await runWeft(['serve'], {
      DATABASE_URL: 'postgres://weft:hunter2@127.0.0.1:1/weft',
      PORT: '0',
    });
    assert.notEqual(code, 0);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(
      stderr,
      /^weft: Cannot reach PostgreSQL at postgres:\/\/weft@127\.0\.0\.1:1\/weft \(DATABASE_URL\): ECONNREFUSED/,
    );
    assert.doesNotMatch(stderr, /hunter2/);
  });

  test('an invalid option exits non-zero naming it', async () => {
    const { code, stderr } = await runWeft(['serve', '--port', 'http']);
    assert.equal(code, 1);
    assert.equal(stderr, 'weft: --port must be a whole number from 0 to 65535 (got "http")\n');
  });
});

describe('graceful shutdown', () => {
  test('SIGTERM with 50 slow requests in flight: all 50 complete, new ones are refused, exit 0', async () => {
    const dataDir = tempDir();
    const server = spawnWeft(
      [],
      { WEFT_DATA_DIR: dataDir, PORT: '0', SLOW_MS: '1500', ANNOUNCE_AT: '50' },
      SLOW_SERVER,
    );
    const url = await listeningUrl(server);
    const responses = Array.from({ length: 50 }, () =>
      fetch(`${url}/test/slow`).then(async (response) => ({
        status: response.status,
        body: await response.json(),
      })),
    );
    await server.waitFor(/in-flight 50/);
    server.child.kill('SIGTERM');
    await server.waitFor(/shutting down/);
    const late = await fetch(`${url}/healthz`).then(
      (response) => response.status,
      () => 'refused',
    );
    assert.notEqual(late, 200, 'no new request is served once shutdown began');
    const results = await Promise.all(responses);
    assert.equal(results.length, 50);
    for (const result of results) assert.deepEqual(result, { status: 200, body: { done: true } });
    assert.equal(await server.exited, 0);
    assert.match(server.stdout(), /"msg":"stopped"/);
  });
});

describe('two instances starting together on one PostgreSQL', { skip: postgres.skip }, () => {
  let place: Place;
  before(async () => {
    place = await postgres.createPlace();
  });
  after(() => place?.drop());

  test('both come up, the migrations are applied once and the first start happens once', async () => {
    const schema = new URL(place.databaseUrl!).searchParams.get('options')!.replace('-c search_path=', '');
    // Hold the migration lock so that both instances queue on it, then let them race for it.
    const holder = new pg.Client({ connectionString: place.databaseUrl });
    await holder.connect();
    await holder.query(`SELECT pg_advisory_lock(hashtext('weft-migrations:' || $1))`, [schema]);
    const env = { ...place.env, PORT: '0' };
    const instances = [spawnWeft(['serve'], env), spawnWeft(['serve'], env)];
    try {
      // Wait (at most 20 s) until both instances are blocked on exactly this lock.
      for (let waiting = 0, tries = 0; waiting < 2; tries++) {
        assert.ok(tries < 200, 'both instances should queue on the migration lock');
        await new Promise((resolve) => setTimeout(resolve, 100));
        const { rows } = await holder.query(
          `SELECT count(*)::int AS n FROM pg_locks
           WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
             AND objid::bigint = (hashtext('weft-migrations:' || $1)::bigint & 4294967295)`,
          [schema],
        );
        waiting = rows[0].n;
      }
      await holder.query(`SELECT pg_advisory_unlock(hashtext('weft-migrations:' || $1))`, [schema]);
      const urls = await Promise.all(instances.map(listeningUrl));
      for (const url of urls) assert.equal((await fetch(`${url}/readyz`)).status, 200);

      const applied = instances.filter((i) => /"msg":"applied migrations"/.test(i.stdout()));
      assert.equal(applied.length, 1, 'exactly one instance applied the migrations');
      const { rows } = await holder.query('SELECT id FROM weft_migrations ORDER BY id');
      assert.deepEqual(
        rows.map((r) => r.id),
        migrations.map((m) => m.id),
      );
      await Promise.all(instances.map((i) => i.waitFor(/Weft is running/)));
      assert.equal(
        instances.filter((i) => /First start/.test(i.stdout())).length,
        1,
        'one banner with the password',
      );
    } finally {
      for (const instance of instances) instance.child.kill('SIGTERM');
      assert.deepEqual(await Promise.all(instances.map((i) => i.exited)), [0, 0]);
      await holder.end();
    }
  });
});
