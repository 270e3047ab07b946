// `weft client …`: registering OAuth apps from the command line, their secrets shown once and never
// stored, redirect URIs checked, and what a mistake prints.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends, type Place } from './helpers/backends.ts';
import { weftInProcess } from './helpers/cli.ts';

for (const backend of backends) {
  describe(`weft client on ${backend.name}`, { skip: backend.skip }, () => {
    let place: Place;
    const weft = (...args: string[]) => weftInProcess(args, place.env);
    before(async () => {
      place = await backend.createPlace();
    });
    after(() => place?.drop());

    test('client create prints the client_id, the secret once and the redirect URIs; list never shows a secret', async () => {
      const created = await weft(
        'client',
        'create',
        '--name',
        'Zapier',
        '--redirect-uri',
        'https://zapier.example/cb',
        '--redirect-uri',
        'http://127.0.0.1:8080/cb',
        '--json',
      );
      assert.equal(created.code, 0, created.stderr);
      const app = JSON.parse(created.stdout);
      assert.deepEqual(Object.keys(app).sort(), ['client_id', 'client_secret', 'redirect_uris']);
      assert.match(app.client_secret, /^[0-9A-Za-z]{43}$/);
      assert.deepEqual(app.redirect_uris, ['https://zapier.example/cb', 'http://127.0.0.1:8080/cb']);

      const text = await weft(
        'client',
        'create',
        '--name',
        'Native',
        '--redirect-uri',
        'http://[::1]/cb',
        '--public',
      );
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /public: PKCE, no secret/);
      assert.doesNotMatch(text.stdout, /client_secret/);

      const listed = await weft('client', 'list', '--json');
      assert.equal(listed.code, 0, listed.stderr);
      const clients = JSON.parse(listed.stdout).clients;
      assert.deepEqual(
        clients.map((c: { name: string; type: string }) => `${c.name} ${c.type}`),
        ['Zapier confidential', 'Native public'],
      );
      assert.equal(listed.stdout.includes(app.client_secret), false);

      const rotated = await weft('client', 'rotate-secret', app.client_id, '--json');
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.notEqual(JSON.parse(rotated.stdout).client_secret, app.client_secret);

      const deleted = await weft('client', 'delete', app.client_id);
      assert.equal(deleted.code, 0, deleted.stderr);
      const again = await weft('client', 'delete', app.client_id, '--json');
      assert.equal(again.code, 1);
      assert.equal(JSON.parse(again.stderr).error.code, 'OAUTH_CLIENT_NOT_FOUND');
    });

    test('redirect URIs that are not https (but on loopback), or carry a fragment, wildcard or userinfo, are refused', async () => {
      for (const uri of [
        'http://app.example/cb',
        'https://app.example/cb#frag',
        'https://*.app.example/cb',
        'https://user@app.example/cb',
        'ftp://app.example/cb',
        'not a uri',
      ]) {
        const refused = await weft('client', 'create', '--name', 'Bad', '--redirect-uri', uri);
        assert.equal(refused.code, 1, uri);
        assert.match(refused.stderr, /OAUTH_REDIRECT_URI_INVALID/, uri);
      }
      const none = await weft('client', 'create', '--name', 'Bad');
      assert.equal(none.code, 2);
      assert.match(none.stderr, /--redirect-uri/);
      const listed = JSON.parse((await weft('client', 'list', '--json')).stdout).clients;
      assert.equal(
        listed.some((c: { name: string }) => c.name === 'Bad'),
        false,
        'nothing was written',
      );
    });
  });
}
