// The CLI never leaves an operator guessing: every command's --help lists its options (with --json
// and the data options) and an example; lists have a header row and say who is active; a token can be
// deleted as lists show it; a token limit names the CLI commands to use.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { commands } from '../src/cli/index.ts';
import { backends, type Place } from './helpers/backends.ts';
import { userCreate, weftInProcess } from './helpers/cli.ts';

/** Runs `weft …` in this process, against `place`. */
const weft = (place: Place | null, ...args: string[]) =>
  weftInProcess(args, { ...(place?.env ?? {}), PORT: '3000' });

describe('weft CLI usability', () => {
  let place: Place;
  before(async () => {
    place = await backends[0]!.createPlace();
  });
  after(() => place?.drop());

  test('every command has --help with its options, --json, the data options and an example', async () => {
    for (const command of commands) {
      const help = await weft(null, ...command.name.split(' '), '--help');
      assert.equal(help.code, 0, command.name);
      assert.match(help.stdout, new RegExp(`^usage: weft ${command.name}`), command.name);
      assert.match(help.stdout, /\nOptions:\n/, command.name);
      assert.match(help.stdout, /--json/, command.name);
      if (command.name !== 'serve')
        assert.match(help.stdout, /--data-dir D[\s\S]*--database-url U/, command.name);
      for (const option of Object.keys(command.options))
        assert.match(help.stdout, new RegExp(`--${option}\\b`), `${command.name} --${option}`);
      assert.match(help.stdout, new RegExp(`\nExample:\n  weft ${command.name}`), command.name);
    }
  });

  test('lists have a header row; user list says who is active', async () => {
    assert.equal((await weft(place, 'workspace', 'create', 'acme')).code, 0);
    const workspaces = await weft(place, 'workspace', 'list');
    assert.match(
      workspaces.stdout,
      /^SLUG +NAME +URL +RATE LIMIT\nacme +acme +http:\/\/acme\.localhost:3000 +default\n$/,
    );
    await weft(place, ...userCreate('acme', 'ada@example.com', 'Ada', 'admin'));
    await weft(place, ...userCreate('acme', 'bo@example.com', 'Bo', 'member'));
    await weft(place, 'user', 'deactivate', '--workspace', 'acme', '--email', 'bo@example.com');
    const users = (await weft(place, 'user', 'list', '--workspace', 'acme')).stdout.split('\n');
    assert.match(users[0]!, /^EMAIL +NAME +ROLE +ACTIVE +ID$/);
    assert.match(users[1]!, /^ada@example\.com +Ada +admin +yes +[0-9a-f-]{36}$/);
    assert.match(users[2]!, /^bo@example\.com +Bo +member +no \(deactivated\) +[0-9a-f-]{36}$/);
  });

  test('a token is deleted by the masked form lists show, with ... for …; a 4th token names the CLI commands', async () => {
    // A workspace of its own, so the test stands alone.
    await weft(place, 'workspace', 'create', 'tok');
    await weft(place, ...userCreate('tok', 'tok@example.com', 'Tok', 'admin'));
    const email = ['--workspace', 'tok', '--email', 'tok@example.com'];
    const tokens = [];
    for (let i = 0; i < 3; i++)
      tokens.push(JSON.parse((await weft(place, 'token', 'create', ...email, '--json')).stdout));
    const fourth = await weft(place, 'token', 'create', ...email);
    assert.equal(fourth.code, 1);
    assert.match(
      fourth.stderr,
      /has 3 API tokens, the most a user may have\. Delete one first: weft token list/,
    );
    assert.doesNotMatch(fourth.stderr, /\/api\/tokens/);

    const list = await weft(place, 'token', 'list', ...email);
    assert.match(list.stdout, /^ID +TOKEN +DESCRIPTION +CREATED +LAST USED\n/);
    const shown = tokens[0].display as string;
    assert.ok(list.stdout.includes(shown));
    const deleted = await weft(place, 'token', 'delete', '--workspace', 'tok', shown);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`Deleted API token ${shown} \\(${tokens[0].id}\\)`));
    const dotted = await weft(
      place,
      'token',
      'delete',
      '--workspace',
      'tok',
      (tokens[1].display as string).replace('…', '...'),
      '--json',
    );
    assert.equal(JSON.parse(dotted.stdout).id, tokens[1].id);
    const byId = await weft(place, 'token', 'delete', '--workspace', 'tok', '--id', tokens[2].id);
    assert.equal(byId.code, 0);
    const gone = await weft(place, 'token', 'delete', '--workspace', 'tok', shown);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /has no API token weft_/);
  });
});
