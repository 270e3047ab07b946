// fibery-unofficial 0.2.1 (npm; Fibery's own old JavaScript client), unmodified, against Weft: every
// method but documents and files, paced as a well-behaved client paces itself (3 a second) under
// Fibery's default rate limits, with not one 429. The client only speaks https: a TLS front here.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { startTestApp, type TestApp } from './helpers/test-app.ts';
import { hasOpenssl, startTlsFront } from './helpers/tls-front.ts';

// The front's certificate is self-signed for this run; this test runs in a process of its own.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
// biome-ignore lint/suspicious/noExplicitAny: the client has no types
const Fibery = createRequire(import.meta.url)('fibery-unofficial') as any;

/** One request every 334 ms, on a schedule that does not drift: 3 a second. */
function pacer() {
  const start = performance.now();
  let n = 0;
  return () => {
    const at = start + n++ * 334;
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
  };
}

for (const backend of backends) {
  describe(`fibery-unofficial against Weft on ${backend.name}`, {
    skip: backend.skip || (!hasOpenssl() && 'openssl is missing'),
  }, () => {
    let t: TestApp;
    let front: { host: string; close(): Promise<void> };
    // biome-ignore lint/suspicious/noExplicitAny: the client has no types
    let fibery: any;

    before(async () => {
      // Fibery's limits, as a server starts by default.
      t = await startTestApp(backend, { config: { rateLimitToken: 3, rateLimitWorkspace: 7 } });
      await t.accounts.createWorkspace({ slug: 'demo' });
      const { user } = await t.accounts.createUser({
        workspace: 'demo',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        password: 'long-password',
      });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      front = await startTlsFront((t.app.server.address() as AddressInfo).port);
      fibery = new Fibery({ host: front.host, token: (await t.tokens.createToken(user)).value });
    });
    after(async () => {
      await front?.close();
      await t?.close();
    });

    test('every method but documents and files works, at 3 requests a second with no 429', async () => {
      const pace = pacer();
      const failures: string[] = [];
      // biome-ignore lint/suspicious/noExplicitAny: the client has no types
      const step = async (name: string, call: () => Promise<any>): Promise<any> => {
        await pace();
        try {
          return await call();
        } catch (error) {
          failures.push(`${name}: ${(error as Error).message.slice(0, 300)}`);
          return undefined;
        }
      };
      const S = 'Unofficial';
      const player = `${S}/Player`;
      await step('getSchema', () => fibery.getSchema());
      await step('type.createBatch', () =>
        fibery.type.createBatch([
          { 'fibery/name': player, 'fibery/meta': { 'fibery/domain?': true } },
          { 'fibery/name': `${S}/Team`, 'fibery/meta': { 'fibery/domain?': true } },
        ]),
      );
      // Every primitive type the client knows but rich text, which is a document.
      for (const type of fibery.field.PRIMITIVE_FIELD_TYPES as string[]) {
        if (type === 'fibery/rich-text') continue;
        await step(`field.createBatch ${type}`, () =>
          fibery.field.createBatch([
            {
              'fibery/holder-type': player,
              'fibery/name': `${S}/F ${type.split('/')[1]}`,
              'fibery/type': type,
            },
          ]),
        );
      }
      for (const [fromMany, toMany] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ])
        await step(`field.createBatch relation ${fromMany}/${toMany}`, () =>
          fibery.field.createBatch([
            {
              'fibery/holder-type': player,
              'fibery/name': `${S}/Rel ${fromMany}${toMany}`,
              'fibery/type': 'relation',
              meta: {
                to: `${S}/Team`,
                toName: `${S}/Back ${fromMany}${toMany}`,
                isFromMany: fromMany,
                isToMany: toMany,
              },
            },
          ]),
        );
      await step('field.createBatch single-select', () =>
        fibery.field.createBatch([
          {
            'fibery/holder-type': player,
            'fibery/name': `${S}/Hand`,
            'fibery/type': 'single-select',
            meta: { options: [{ name: 'Left' }, { name: 'Right' }] },
          },
        ]),
      );
      await step('field.renameBatch', () =>
        fibery.field.renameBatch([
          { 'holder-type': player, 'from-name': `${S}/F int`, 'to-name': `${S}/Runs` },
        ]),
      );
      const teams = await step('entity.createBatch', () =>
        fibery.entity.createBatch([{ type: `${S}/Team`, entity: { 'fibery/name': 'West Indies' } }]),
      );
      const team = { 'fibery/id': teams?.[0]['fibery/id'] };
      const players = await step('entity.createBatch (every field type)', () =>
        fibery.entity.createBatch([
          {
            type: player,
            entity: {
              'fibery/name': 'Brian Lara',
              [`${S}/Runs`]: 11953,
              [`${S}/F decimal`]: '2.01',
              [`${S}/F rank`]: 1000,
              [`${S}/F text`]: 'The Prince',
              [`${S}/F email`]: 'lara@example.com',
              [`${S}/F emoji`]: '🏏',
              [`${S}/F uuid`]: 'acb5ef80-9679-11e9-bc42-526af7764f64',
              [`${S}/F date`]: '1969-05-02',
              [`${S}/F date-time`]: '2019-06-24T12:25:20.812Z',
              [`${S}/F bool`]: true,
              [`${S}/F json-value`]: { 'paranoid?': true },
              [`${S}/F date-time-range`]: {
                start: '2019-06-18T02:40:00.000Z',
                end: '2019-07-25T11:40:00.000Z',
              },
              [`${S}/F date-range`]: { start: '2019-06-27', end: '2019-06-30' },
              [`${S}/Rel falsefalse`]: team,
            },
          },
          { type: player, entity: { 'fibery/name': 'Curtly Ambrose' } },
        ]),
      );
      const lara = { 'fibery/id': players?.[0]['fibery/id'] };
      const found = await step('entity.query', () =>
        fibery.entity.query(
          {
            'q/from': player,
            'q/select': [
              'fibery/name',
              `${S}/Runs`,
              { [`${S}/Rel falsefalse`]: ['fibery/name'] },
              { [`${S}/Hand`]: ['enum/name'] },
            ],
            'q/where': ['=', ['fibery/id'], '$id'],
            'q/limit': 1,
          },
          { $id: lara['fibery/id'] },
        ),
      );
      await step('entity.updateBatch', () =>
        fibery.entity.updateBatch([{ type: player, entity: { ...lara, [`${S}/Runs`]: 12000 } }]),
      );
      const link = [{ type: player, field: `${S}/Rel falsetrue`, entity: lara, items: [team] }];
      await step('entity.addToEntityCollectionFieldBatch', () =>
        fibery.entity.addToEntityCollectionFieldBatch(link),
      );
      await step('entity.removeFromEntityCollectionFieldBatch', () =>
        fibery.entity.removeFromEntityCollectionFieldBatch(link),
      );
      await step('command.execute', () =>
        fibery.command.execute(
          fibery.command.queryEntityCmd({
            'q/from': 'fibery/user',
            'q/select': ['fibery/id', 'user/name'],
            'q/limit': 3,
          }),
        ),
      );
      await step('command.executeBatch', () =>
        fibery.command.executeBatch(
          fibery.command.createEntityBatchCmds([{ type: `${S}/Team`, entity: { 'fibery/name': 'India' } }]),
        ),
      );
      await step('entity.deleteBatch', () => fibery.entity.deleteBatch([{ type: player, entity: lara }]));
      await step('field.deleteBatch', () =>
        fibery.field.deleteBatch([{ 'holder-type': player, name: `${S}/Runs` }]),
      );
      await step('type.renameBatch', () =>
        fibery.type.renameBatch([{ 'from-name': `${S}/Team`, 'to-name': `${S}/Side` }]),
      );
      await step('type.deleteBatch', () =>
        fibery.type.deleteBatch([
          { name: player, 'delete-entities?': true, 'delete-related-fields?': true },
          { name: `${S}/Side`, 'delete-entities?': true },
        ]),
      );
      // A 429 rejects the client's promise, so no failure means no 429 either.
      assert.deepEqual(failures, []);
      assert.deepEqual(found, [
        {
          'fibery/name': 'Brian Lara',
          [`${S}/Runs`]: 11953,
          [`${S}/Rel falsefalse`]: { 'fibery/name': 'West Indies' },
          [`${S}/Hand`]: { 'enum/name': 'Left' },
        },
      ]);
    });
  });
}
