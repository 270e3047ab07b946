// "Did you mean": an unknown field, database, command, operator or CLI flag is answered with the
// name meant, in the message and in `data.suggestion`, the error's code unchanged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSampleSpace } from '../src/bootstrap/sample-space.ts';
import { commandLimits } from '../src/commands/index.ts';
import { createLogger } from '../src/http/logger.ts';
import { closest } from '../src/text/suggest.ts';
import { backends } from './helpers/backends.ts';
import { weftInProcess } from './helpers/cli.ts';
import { memberWithToken, startTestApp } from './helpers/test-app.ts';

describe('did you mean', () => {
  test('a typo, a case slip or a swapped pair finds its name; anything farther finds none', () => {
    assert.equal(closest('Cricket/name', ['Cricket/Name', 'Cricket/Team']), 'Cricket/Name');
    assert.equal(closest('Cricket/Players', ['Cricket/Player', 'Cricket/Team']), 'Cricket/Player');
    assert.equal(
      closest('fibery.entity/querry', ['fibery.entity/query', 'fibery.schema/query']),
      'fibery.entity/query',
    );
    assert.equal(closest('q/contain', ['q/contains', 'q/contains?', '=']), 'q/contains');
    assert.equal(closest('emial', ['email', 'workspace']), 'email');
    assert.equal(closest('Salary', ['Cricket/Name', 'Cricket/Team']), undefined);
    assert.equal(closest('', ['a']), undefined);
  });

  for (const backend of backends) {
    test(`commands suggest fields, databases, commands and operators (${backend.name})`, {
      skip: backend.skip,
    }, async (t) => {
      const app = await startTestApp(backend);
      t.after(() => app.close());
      const { user, token } = await memberWithToken(app, 'demo', 'ada@example.com');
      await app.accounts.setRole('demo', 'ada@example.com', 'admin');
      const workspace = (await app.storage.getWorkspaceBySlug('demo'))!;
      await createSampleSpace({
        principal: {
          workspace,
          user: { ...user, role: 'admin' },
          role: 'admin',
          credential: { kind: 'token', id: 't' },
        },
        db: app.storage,
        limits: commandLimits(app.config),
        clock: Date,
        log: { log: createLogger('silent'), requestId: 't' },
      });
      const run = async (command: unknown) => {
        const reply = await app.app.inject({
          method: 'POST',
          url: '/api/commands',
          headers: { authorization: `Token ${token}` },
          payload: [command],
        });
        return reply.json()[0].result as { name: string; message: string; data: Record<string, unknown> };
      };
      const query = (q: Record<string, unknown>, params = {}) =>
        run({ command: 'fibery.entity/query', args: { query: { 'q/limit': 1, ...q }, params } });

      const field = await query({ 'q/from': 'Cricket/Player', 'q/select': ['Cricket/name'] });
      assert.equal(field.name, 'entity.error/schema-field-not-found');
      assert.equal(
        field.message,
        '"Cricket/name" field was not found in "Cricket/Player" database. Did you mean "Cricket/Name"?',
      );
      assert.equal(field.data.suggestion, 'Cricket/Name');

      const type = await query({ 'q/from': 'Cricket/Players', 'q/select': ['fibery/id'] });
      assert.equal(type.name, 'entity.error/schema-type-not-found');
      assert.equal(type.data.suggestion, 'Cricket/Player');

      const command = await run({ command: 'fibery.entity/querry', args: {} });
      assert.equal(command.name, 'command.error/unknown-command');
      assert.match(command.message, /Did you mean "fibery\.entity\/query"\?$/);
      assert.equal(command.data.suggestion, 'fibery.entity/query');

      const operator = await query(
        {
          'q/from': 'Cricket/Player',
          'q/select': ['Cricket/Name'],
          'q/where': ['q/contain', ['Cricket/Name'], '$x'],
        },
        { $x: 'a' },
      );
      assert.equal(operator.name, 'entity.error/invalid-query');
      assert.equal(operator.data.suggestion, 'q/contains');

      const far = await query({ 'q/from': 'Cricket/Player', 'q/select': ['Salary'] });
      assert.equal(far.name, 'entity.error/schema-field-not-found');
      assert.equal(far.data.suggestion, undefined);
      assert.doesNotMatch(far.message, /Did you mean/);
    });
  }

  test('the CLI suggests flags and commands', async (t) => {
    const place = await backends[0]!.createPlace();
    t.after(() => place.drop());
    const flag = await weftInProcess(
      ['user', 'create', '--workspace', 'demo', '--emial', 'a@b.c'],
      place.env,
    );
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option --emial\. Did you mean "--email"\?/);
    const command = await weftInProcess(['wokspace', 'list'], place.env);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /unknown command "wokspace list"\. Did you mean "workspace list"\?/);
  });
});
