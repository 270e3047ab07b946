// Every workspace answers on this machine by default: `acme.localhost:3000` selects workspace acme, as
// browsers and curl resolve `*.localhost` to loopback; a credential used on the wrong workspace, and a
// login to a workspace the account is not in, name the workspaces involved and where they answer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createApp } from '../src/app.ts';
import { createConfig, loadConfig } from '../src/config/index.ts';
import { createLogger } from '../src/http/logger.ts';
import { openStorage } from '../src/storage/index.ts';
import { workspaceUrl } from '../src/workspaces/index.ts';
import { backends } from './helpers/backends.ts';
import { userCreate, weftInProcess } from './helpers/cli.ts';
import { startTestApp } from './helpers/test-app.ts';

const ME = {
  command: 'fibery.entity/query',
  args: {
    query: { 'q/from': 'fibery/user', 'q/select': ['user/email'], 'q/where': ['=', ['fibery/id'], '$my-id'] },
  },
};

describe('workspaces on localhost', () => {
  test('subdomains of the public URL host are workspaces by default, but not of an IP address', () => {
    assert.equal(loadConfig({ env: {} }).baseDomain, 'localhost');
    assert.equal(
      loadConfig({ env: { WEFT_PUBLIC_URL: 'https://weft.example.com' } }).baseDomain,
      'weft.example.com',
    );
    assert.equal(loadConfig({ env: { WEFT_PUBLIC_URL: 'http://127.0.0.1:3000' } }).baseDomain, undefined);
    const config = loadConfig({ env: { PORT: '3000' } });
    assert.equal(workspaceUrl('acme', config), 'http://acme.localhost:3000');
    assert.equal(workspaceUrl('demo', config), 'http://localhost:3000');
  });

  for (const backend of backends) {
    test(`a workspace answers on its subdomain, and a token sent elsewhere is told where it belongs (${backend.name})`, {
      skip: backend.skip,
    }, async (t) => {
      const app = await startTestApp(backend, {
        config: { publicUrl: 'http://localhost:3000', baseDomain: 'localhost' },
      });
      t.after(() => app.close());
      await app.accounts.createWorkspace({ slug: 'demo' });
      await app.accounts.createWorkspace({ slug: 'acme' });
      const { user } = await app.accounts.createUser({
        workspace: 'acme',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        password: 'ada-password-1',
      });
      const { value } = await app.tokens.createToken(user);
      const send = (host: string) =>
        app.app.inject({
          method: 'POST',
          url: '/api/commands',
          headers: { host, authorization: `Token ${value}` },
          payload: [ME],
        });
      const there = await send('acme.localhost:3000');
      assert.equal(there.statusCode, 200);
      assert.deepEqual(there.json()[0].result, [{ 'user/email': 'ada@example.com' }]);

      const elsewhere = await send('localhost:3000');
      assert.equal(elsewhere.statusCode, 401);
      const { error } = elsewhere.json();
      assert.equal(error.code, 'TOKEN_INVALID');
      assert.equal(
        error.message,
        'This API token belongs to workspace "acme", not "demo": send it to http://acme.localhost:3000.',
      );

      // The login page of another workspace says where this account logs in.
      const page = await app.app.inject({ url: '/login', headers: { host: 'localhost:3000' } });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const logIn = (password: string) =>
        app.app.inject({
          method: 'POST',
          url: '/login',
          headers: {
            host: 'localhost:3000',
            'sec-fetch-site': 'same-origin',
            cookie: `weft_login=${page.cookies.find((c) => c.name === 'weft_login')!.value}`,
          },
          payload: { email: 'ada@example.com', password, _csrf: csrf },
        });
      const login = await logIn('ada-password-1');
      assert.equal(login.statusCode, 403);
      assert.match(
        login.body,
        /ada@example.com is not an active member of workspace &quot;demo&quot;\. Log in to &quot;acme&quot; at http:\/\/acme\.localhost:3000\./,
      );
      // A wrong password says nothing about memberships.
      const wrong = await logIn('wrong-password');
      assert.equal(wrong.statusCode, 401);
      assert.doesNotMatch(wrong.body, /acme/);
    });
  }

  test('weft workspace create prints where the workspace answers, and --sample gives it the sample space', async (t) => {
    const place = await backends[0]!.createPlace();
    t.after(() => place.drop());
    const env = { ...place.env, PORT: '3000' };
    const created = await weftInProcess(['workspace', 'create', 'acme', '--sample', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(JSON.parse(created.stdout).url, 'http://acme.localhost:3000');
    const text = await weftInProcess(['workspace', 'create', 'beta'], env);
    assert.match(text.stdout, /It answers at http:\/\/beta\.localhost:3000\./);
    const user = await weftInProcess(userCreate('acme', 'ada@example.com', 'Ada', 'admin'), env);
    assert.match(user.stdout, /Log in at http:\/\/acme\.localhost:3000\/login/);
    const token = await weftInProcess(
      ['token', 'create', '--workspace', 'acme', '--email', 'ada@example.com', '--json'],
      env,
    );
    const { value } = JSON.parse(token.stdout);

    // The sample space is there, read with the new admin's token on the workspace's host.
    const { storage } = await openStorage({ dataDir: place.dataDir, databaseUrl: undefined });
    const app = await createApp({
      config: createConfig({
        dataDir: place.dataDir,
        publicUrl: 'http://localhost:3000',
        baseDomain: 'localhost',
      }),
      storage,
      logger: createLogger('silent'),
    });
    t.after(async () => {
      await app.close();
      await storage.close();
    });
    const reply = await app.inject({
      method: 'POST',
      url: '/api/commands',
      headers: { host: 'acme.localhost:3000', authorization: `Token ${value}` },
      payload: [
        {
          command: 'fibery.entity/query',
          args: {
            query: {
              'q/from': 'Cricket/Player',
              'q/select': ['Cricket/Name'],
              'q/order-by': [[['Cricket/Name'], 'q/asc']],
            },
          },
        },
      ],
    });
    assert.equal(reply.statusCode, 200, reply.body);
    assert.deepEqual(
      reply.json()[0].result.map((p: Record<string, string>) => p['Cricket/Name']),
      ['Brian Lara', 'Curtly Ambrose', 'Ellyse Perry', 'Virat Kohli'],
    );
  });
});
