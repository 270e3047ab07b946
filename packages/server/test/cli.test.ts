// The weft CLI, run in this process through its injectable entry (as bin/weft.ts runs it), each test
// on storage of its own; two smoke tests spawn real processes.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { backends, type Place } from './helpers/backends.ts';
import { userCreate, weftInProcess } from './helpers/cli.ts';
import { getWithHost, listeningUrl, runWeft, spawnWeft } from './helpers/spawn-weft.ts';

/** What a test starts from, when not workspace acme with Ada (admin) and Bo (member). */
const STARTS: Record<string, 'empty' | 'workspace'> = {
  'workspace create and list print one JSON object each': 'empty',
  'a spawned weft creates and lists a workspace': 'empty',
  'user create prints the user and the generated password': 'workspace',
};

for (const backend of backends) {
  describe(`weft CLI on ${backend.name}`, { skip: backend.skip }, () => {
    let place: Place;
    /** `weft …` in this process, against the test's storage. */
    const weft = (...args: string[]) => weftInProcess(args, { ...place.env, PORT: '3000' });
    const usersOf = async (workspace: string) => {
      const { stdout } = await weft('user', 'list', '--workspace', workspace, '--json');
      return JSON.parse(stdout).users as { email: string; role: string; active: boolean }[];
    };

    beforeEach(async (context) => {
      place = await backend.createPlace();
      const start = STARTS[context.name];
      if (start === 'empty') return;
      await weft('workspace', 'create', 'acme', '--name', 'Acme Inc');
      if (start === 'workspace') return;
      for (const [email, name, role] of [
        ['ada@example.com', 'Ada', 'admin'],
        ['bo@example.com', 'Bo', 'member'],
      ]) {
        const made = await weft(...userCreate('acme', email!, name!, role!), '--password', 'long-password');
        assert.equal(made.code, 0, made.stderr);
      }
    });
    afterEach(() => place?.drop());

    test('a spawned weft creates and lists a workspace', async () => {
      const created = await runWeft(['workspace', 'create', 'acme', '--json'], place.env);
      assert.equal(created.code, 0, created.stderr);
      const listed = await runWeft(['workspace', 'list', '--json'], place.env);
      assert.deepEqual(
        JSON.parse(listed.stdout).workspaces.map((w: { slug: string }) => w.slug),
        ['acme'],
      );
    });

    test('workspace create and list print one JSON object each', async () => {
      const created = await weft('workspace', 'create', 'acme', '--name', 'Acme Inc', '--json');
      assert.equal(created.code, 0, created.stderr);
      const workspace = JSON.parse(created.stdout);
      assert.deepEqual(Object.keys(workspace).sort(), ['id', 'name', 'slug', 'url']);
      assert.equal(workspace.name, 'Acme Inc');
      const listed = await weft('workspace', 'list', '--json');
      assert.deepEqual(
        JSON.parse(listed.stdout).workspaces.map((w: { slug: string }) => w.slug),
        ['acme'],
      );
    });

    test('workspace update sets and clears the workspace rate limit; bad values exit 2', async () => {
      const set = await weft('workspace', 'update', 'acme', '--rate-limit', '20', '--json');
      assert.equal(set.code, 0, set.stderr);
      assert.equal(JSON.parse(set.stdout).rate_limit, 20);
      const listed = JSON.parse((await weft('workspace', 'list', '--json')).stdout).workspaces;
      assert.equal(listed.find((w: { slug: string }) => w.slug === 'acme').rate_limit, 20);
      for (const bad of ['-1', 'many', '1.5']) {
        const refused = await weft('workspace', 'update', 'acme', '--rate-limit', bad);
        assert.equal(refused.code, 2, bad);
      }
      assert.equal((await weft('workspace', 'update', 'nowhere', '--rate-limit', '5')).code, 1);
      const cleared = await weft('workspace', 'update', 'acme', '--rate-limit', 'default', '--json');
      assert.equal(JSON.parse(cleared.stdout).rate_limit, null);
    });

    test('user create prints the user and the generated password', async () => {
      const { code, stdout, stderr } = await weft(
        ...userCreate('acme', 'ada@example.com', 'Ada', 'admin'),
        '--json',
      );
      assert.equal(code, 0, stderr);
      const user = JSON.parse(stdout);
      assert.match(user.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        { ...user, id: undefined, password: undefined },
        {
          id: undefined,
          email: 'ada@example.com',
          name: 'Ada',
          role: 'admin',
          active: true,
          workspace: 'acme',
          url: 'http://acme.localhost:3000',
          password: undefined,
        },
      );
      assert.match(user.password, /^[0-9A-Za-z]{20}$/);
      const human = await weft(
        ...userCreate('acme', 'bo@example.com', 'Bo', 'member'),
        '--password',
        'bo-password',
      );
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /^Created member bo@example.com in workspace acme/);
      assert.doesNotMatch(human.stdout, /Password/, 'no password is printed when one was given');
    });

    test('bad input exits non-zero, says what to fix on stderr, and writes nothing', async () => {
      const before = await usersOf('acme');
      const cases = [
        [['--email', 'ADA@example.com', '--role', 'member'], /has a user with email/, 1],
        [
          ['--email', 'new@example.com', '--role', 'owner'],
          /"owner" is not a role: use one of admin, member, observer/,
          1,
        ],
        [['--email', 'not an email', '--role', 'member'], /is not an email address/, 1],
        [['--email', 'new@example.com', '--role', 'member', '--password', 'short'], /8-1024 characters/, 1],
      ] as const;
      for (const [args, message, exitCode] of cases) {
        const result = await weft('user', 'create', '--workspace', 'acme', '--name', 'New', ...args);
        assert.equal(result.code, exitCode, args.join(' '));
        assert.match(result.stderr, message);
        assert.equal(result.stdout, '');
      }
      const ghost = await weft(...userCreate('ghost', 'g@example.com', 'G', 'member'));
      assert.equal(ghost.code, 1);
      assert.match(ghost.stderr, /Workspace "ghost" does not exist/);
      assert.deepEqual(await usersOf('acme'), before);
    });

    test('usage mistakes exit 2 with the usage line; --json errors are JSON on stderr', async () => {
      const missing = await weft('user', 'create', '--workspace', 'acme');
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /missing --email, --name, --role\nusage: weft user create/);
      const unknown = await weft('workspace', 'list', '--colour');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /--colour/);
      const command = await weft('frobnicate');
      assert.equal(command.code, 2);
      const json = await weft('workspace', 'create', 'acme', '--json');
      assert.equal(json.code, 1);
      assert.equal(JSON.parse(json.stderr).error.code, 'WORKSPACE_EXISTS');
    });

    test('set-role, deactivate, activate and passwd change the user', async () => {
      const role = await weft(
        'user',
        'set-role',
        '--workspace',
        'acme',
        '--email',
        'bo@example.com',
        '--role',
        'observer',
        '--json',
      );
      assert.equal(JSON.parse(role.stdout).role, 'observer');
      const off = await weft(
        'user',
        'deactivate',
        '--workspace',
        'acme',
        '--email',
        'bo@example.com',
        '--json',
      );
      assert.equal(JSON.parse(off.stdout).active, false);
      const on = await weft('user', 'activate', '--workspace', 'acme', '--email', 'bo@example.com', '--json');
      assert.equal(JSON.parse(on.stdout).active, true);
      const passwd = await weft('user', 'passwd', '--email', 'bo@example.com', '--json');
      assert.match(JSON.parse(passwd.stdout).password, /^[0-9A-Za-z]{20}$/);
      const last = await weft('user', 'deactivate', '--workspace', 'acme', '--email', 'ada@example.com');
      assert.equal(last.code, 1);
      assert.match(last.stderr, /only active admin/);
    });

    test('token create, list and delete, with the limit of 3 per user', async () => {
      const created = await weft(
        'token',
        'create',
        '--workspace',
        'acme',
        '--email',
        'ada@example.com',
        '--description',
        'CLI',
        '--json',
      );
      assert.equal(created.code, 0, created.stderr);
      const token = JSON.parse(created.stdout);
      assert.match(token.id, /^[0-9a-f-]{36}$/);
      assert.match(token.value, /^weft_[0-9A-Za-z]{36}$/);
      await weft('token', 'create', '--workspace', 'acme', '--email', 'ada@example.com');
      await weft('token', 'create', '--workspace', 'acme', '--email', 'ada@example.com');
      const fourth = await weft('token', 'create', '--workspace', 'acme', '--email', 'ada@example.com');
      assert.equal(fourth.code, 1);
      assert.match(fourth.stderr, /3 API tokens.*TOKEN_LIMIT_REACHED/);
      const listed = await weft(
        'token',
        'list',
        '--workspace',
        'acme',
        '--email',
        'ada@example.com',
        '--json',
      );
      const tokens = JSON.parse(listed.stdout).tokens;
      assert.equal(tokens.length, 3);
      assert.doesNotMatch(listed.stdout, /weft_[0-9A-Za-z]{36}/);
      const deleted = await weft('token', 'delete', '--workspace', 'acme', '--id', token.id);
      assert.equal(deleted.code, 0, deleted.stderr);
      const again = await weft('token', 'delete', '--workspace', 'acme', '--id', token.id);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /TOKEN_NOT_FOUND/);
      assert.equal((await weft('token', 'delete', '--workspace', 'acme', '--id', 'nope')).code, 1);
    });

    test('works against the same storage while the server runs', async () => {
      const server = spawnWeft(['serve'], { ...place.env, PORT: '0', WEFT_BASE_DOMAIN: 'weft.test' });
      try {
        const url = await listeningUrl(server);
        const created = await weft('workspace', 'create', 'live', '--name', 'Created While Serving');
        assert.equal(created.code, 0, created.stderr);
        const user = await weft(...userCreate('live', 'live@example.com', 'L', 'admin'));
        assert.equal(user.code, 0, user.stderr);
        const page = await getWithHost(`${url}/login`, 'live.weft.test');
        assert.equal(page.status, 200);
        assert.match(page.body, /Created While Serving/);
      } finally {
        server.child.kill('SIGTERM');
        assert.equal(await server.exited, 0);
      }
    });
  });
}
