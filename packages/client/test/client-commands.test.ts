import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FiberyCommandError, WeftHttpError } from '@weft/client';
import { type RunningWeft, startWeft } from '@weft/testing';
import { CRICKET_SCHEMA, PLAYERS } from './fixtures.ts';

describe('@weft/client commands against Weft', () => {
  let weft: RunningWeft;
  before(async () => {
    weft = await startWeft({
      schema: CRICKET_SCHEMA,
      seed: { 'Cricket/Player': PLAYERS },
      limits: { token: 0, workspace: 0 },
    });
  });
  after(() => weft.stop());

  test('startWeft makes the schema it is given and the entities of its seed', async () => {
    const schema = await weft.client.schema();
    const names = schema['fibery/types'].map((type) => type['fibery/name']);
    assert.ok(names.includes('Cricket/Player') && names.includes('Cricket/Team'));
    const [count] = await weft.client.query<{ n: number }>({
      'q/from': 'Cricket/Player',
      'q/select': { n: ['q/count', 'fibery/id'] },
    });
    assert.equal(count!.n, PLAYERS.length);
  });

  test('query takes params and returns rows; command returns one result; commands several in one request', async () => {
    const rows = await weft.client.query(
      {
        'q/from': 'Cricket/Player',
        'q/select': ['Cricket/Name'],
        'q/where': ['>=', ['Cricket/Runs'], '$runs'],
        'q/limit': 3,
      },
      { $runs: 1023 },
    );
    assert.deepEqual(rows.map((row) => row['Cricket/Name']).sort(), ['Player 23', 'Player 24']);
    const [schema, players] = await weft.client.commands([
      { command: 'fibery.schema/query' },
      {
        command: 'fibery.entity/query',
        args: { query: { 'q/from': 'Cricket/Player', 'q/select': ['fibery/id'], 'q/limit': 1 } },
      },
    ]);
    assert.ok((schema as { 'fibery/types': unknown[] })['fibery/types'].length > 0);
    assert.equal((players as unknown[]).length, 1);
  });

  test('create, update, collections, upsert and delete do what they say', async () => {
    const team = await weft.client.create('Cricket/Team', { 'Cricket/Name': 'Stars' });
    const player = await weft.client.create('Cricket/Player', { 'Cricket/Name': 'New', 'Cricket/Runs': 1 });
    await weft.client.update('Cricket/Player', {
      'fibery/id': player['fibery/id'] as string,
      'Cricket/Runs': 2,
    });
    await weft.client.addItems('Cricket/Team', 'Cricket/Players', team['fibery/id'] as string, [
      player['fibery/id'] as string,
    ]);
    const [linked] = await weft.client.query<Record<string, unknown>>(
      {
        'q/from': 'Cricket/Player',
        'q/select': ['Cricket/Runs', { 'Cricket/Team': ['Cricket/Name'] }],
        'q/where': ['=', ['fibery/id'], '$id'],
      },
      { $id: player['fibery/id'] },
    );
    assert.deepEqual(linked, { 'Cricket/Runs': 2, 'Cricket/Team': { 'Cricket/Name': 'Stars' } });
    const upserted = await weft.client.upsert(
      'Cricket/Player',
      [{ 'Cricket/Name': 'New', 'Cricket/Runs': 3 }],
      {
        conflictField: 'Cricket/Name',
        conflictAction: 'update-latest',
      },
    );
    assert.equal((upserted[0] as { action: string }).action, 'update-latest');
    await weft.client.removeItems('Cricket/Team', 'Cricket/Players', team['fibery/id'] as string, [
      player['fibery/id'] as string,
    ]);
    await weft.client.delete('Cricket/Player', player['fibery/id'] as string);
    const left = await weft.client.query(
      { 'q/from': 'Cricket/Player', 'q/select': ['fibery/id'], 'q/where': ['=', ['fibery/id'], '$id'] },
      { $id: player['fibery/id'] },
    );
    assert.deepEqual(left, []);
  });

  test('a failed command throws FiberyCommandError with its name, data and index', async () => {
    await assert.rejects(
      weft.client.commands([
        { command: 'fibery.schema/query' },
        {
          command: 'fibery.entity/query',
          args: { query: { 'q/from': 'Cricket/Player', 'q/select': ['Cricket/Nope'] } },
        },
      ]),
      (error: unknown) =>
        error instanceof FiberyCommandError &&
        error.name === 'entity.error/schema-field-not-found' &&
        error.index === 1,
    );
  });

  test('a batch is all or nothing, and its failure names the failing command', async () => {
    await assert.rejects(
      weft.client.batch([
        {
          command: 'fibery.entity/create',
          args: { type: 'Cricket/Team', entity: { 'Cricket/Name': 'Ghost' } },
        },
        { command: 'fibery.entity/create', args: { type: 'Cricket/Nope', entity: {} } },
      ]),
      (error: unknown) => error instanceof FiberyCommandError && error.index === 1,
    );
    const ghosts = await weft.client.query(
      { 'q/from': 'Cricket/Team', 'q/select': ['fibery/id'], 'q/where': ['=', ['Cricket/Name'], '$n'] },
      { $n: 'Ghost' },
    );
    assert.deepEqual(ghosts, []);
  });

  test('paginate yields every row once, by cursor, whatever the page size', async () => {
    const names: string[] = [];
    for await (const row of weft.client.paginate<{ name: string }>(
      {
        'q/from': 'Cricket/Player',
        'q/select': { name: 'Cricket/Name' },
        'q/where': ['q/contains', ['Cricket/Name'], '$p'],
      },
      { pageSize: 4, params: { $p: 'Player' } },
    ))
      names.push(row.name);
    assert.equal(names.length, PLAYERS.length);
    assert.equal(new Set(names).size, PLAYERS.length);
    assert.deepEqual(
      Object.keys(
        (await weft.client.paginate({ 'q/from': 'Cricket/Player', 'q/select': ['Cricket/Name'] }).next())
          .value!,
      ),
      ['Cricket/Name'],
    );
  });

  test('tokens: create shows the secret once, list has it, delete removes it, and a deleted token gets 401', async () => {
    const created = await weft.client.tokens.create({ description: 'from the SDK' });
    assert.match(created.value, /^weft_/);
    assert.ok((await weft.client.tokens.list()).some((t) => t.id === created.id));
    const { createClient } = await import('@weft/client');
    const other = createClient({ url: weft.url, token: created.value, pacing: false });
    assert.ok(Array.isArray(await other.tokens.list()));
    await weft.client.tokens.delete(created.id);
    await assert.rejects(
      other.tokens.list(),
      (error: unknown) =>
        error instanceof WeftHttpError && error.status === 401 && error.code === 'TOKEN_INVALID',
    );
  });
});
