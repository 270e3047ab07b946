import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startWeft } from '@weft/testing';

const schema = [
  {
    'fibery/name': 'Shop/Order',
    'fibery/meta': { 'fibery/domain?': true },
    'fibery/fields': [
      { 'fibery/name': 'fibery/id', 'fibery/type': 'fibery/uuid', 'fibery/meta': {} },
      { 'fibery/name': 'Shop/Number', 'fibery/type': 'fibery/int', 'fibery/meta': {} },
      {
        'fibery/name': 'Shop/Customer',
        'fibery/type': 'Shop/Customer',
        'fibery/meta': { 'fibery/relation': 'r1' },
      },
    ],
  },
  {
    'fibery/name': 'Shop/Customer',
    'fibery/meta': { 'fibery/domain?': true },
    'fibery/fields': [
      { 'fibery/name': 'Shop/Name', 'fibery/type': 'fibery/text', 'fibery/meta': {} },
      {
        'fibery/name': 'Shop/Orders',
        'fibery/type': 'Shop/Order',
        'fibery/meta': { 'fibery/relation': 'r1', 'fibery/collection?': true },
      },
    ],
  },
];

test('two workspaces run side by side in one process, each with its own data', async (t) => {
  const [a, b] = await Promise.all([
    startWeft({ schema, seed: { 'Shop/Order': [{ 'Shop/Number': 1 }] }, limits: { token: 0, workspace: 0 } }),
    startWeft({
      schema,
      seed: { 'Shop/Order': [{ 'Shop/Number': 2 }, { 'Shop/Number': 3 }] },
      limits: { token: 0, workspace: 0 },
    }),
  ]);
  t.after(() => Promise.all([a.stop(), b.stop()]));
  assert.notEqual(a.url, b.url);
  const numbers = async (weft: typeof a) =>
    (
      await weft.client.query<{ n: number }>({
        'q/from': 'Shop/Order',
        'q/select': { n: 'Shop/Number' },
        'q/order-by': [[['Shop/Number'], 'q/asc']],
      })
    ).map((row) => row.n);
  assert.deepEqual(await numbers(a), [1]);
  assert.deepEqual(await numbers(b), [2, 3]);
});

test('the schema of a real workspace comes with its relations, both sides', async (t) => {
  const weft = await startWeft({
    schema,
    seed: { 'Shop/Customer': [{ 'Shop/Name': 'Ada' }] },
    limits: { token: 0, workspace: 0 },
  });
  t.after(() => weft.stop());
  const [ada] = await weft.client.query<{ 'fibery/id': string }>({
    'q/from': 'Shop/Customer',
    'q/select': ['fibery/id'],
  });
  await weft.client.create('Shop/Order', {
    'Shop/Number': 7,
    'Shop/Customer': { 'fibery/id': ada!['fibery/id'] },
  });
  const [customer] = await weft.client.query({
    'q/from': 'Shop/Customer',
    'q/select': ['Shop/Name', { 'Shop/Orders': ['Shop/Number'] }],
  });
  assert.deepEqual(customer, { 'Shop/Name': 'Ada', 'Shop/Orders': [{ 'Shop/Number': 7 }] });
});

test('a seed the schema cannot take fails the start with the command error, and leaves nothing running', async () => {
  await assert.rejects(
    startWeft({ seed: { 'Shop/Nope': [{ 'Shop/Name': 'x' }] } }),
    /Setup batch 1 failed: entity.error\/schema-type-not-found/,
  );
});

test("by default the server has Fibery's limits, and says so", async (t) => {
  const weft = await startWeft();
  t.after(() => weft.stop());
  const response = await fetch(`${weft.url}/api/tokens`, {
    headers: { authorization: `Token ${weft.token}` },
  });
  assert.equal(response.headers.get('ratelimit-policy'), '"token";q=3;w=1, "workspace";q=7;w=1');
});
