// Random queries and writes over a database with every primitive field type, a self-relation and
// collections, sent to SQLite and (when configured) PostgreSQL holding the same data: neither ever
// answers command.error/internal, and both give the same answer to every command (the same result,
// or the same error name).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { backends } from './helpers/backends.ts';
import { createTestClock, startTestApp, type TestApp } from './helpers/test-app.ts';

const FIELDS: [string, string][] = [
  ['Fz/Name', 'fibery/text'],
  ['Fz/Count', 'fibery/int'],
  ['Fz/Price', 'fibery/decimal'],
  ['Fz/Done', 'fibery/bool'],
  ['Fz/Day', 'fibery/date'],
  ['Fz/At', 'fibery/date-time'],
  ['Fz/Mail', 'fibery/email'],
  ['Fz/Link', 'fibery/url'],
  ['Fz/Data', 'fibery/json-value'],
  ['Fz/Period', 'fibery/date-range'],
  ['Fz/Span', 'fibery/date-time-range'],
  ['Fz/Place', 'fibery/location'],
  ['Fz/Color', 'fibery/color'],
  ['Fz/Icon', 'fibery/emoji'],
  ['Fz/Key', 'fibery/uuid'],
];
const OWN = [...FIELDS.map(([name]) => name), 'fibery/id', 'fibery/public-id', 'fibery/creation-date'];

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ITEMS = Array.from({ length: 8 }, (_, i) => id(i + 1));
const TAGS = Array.from({ length: 3 }, (_, i) => id(100 + i));

const SETUP = [
  {
    command: 'fibery.schema/batch',
    args: {
      commands: [
        {
          command: 'schema.type/create',
          args: {
            'fibery/name': 'Fz/Item',
            'fibery/fields': FIELDS.map(([name, type]) => ({ 'fibery/name': name, 'fibery/type': type })),
          },
        },
        {
          command: 'schema.type/create',
          args: {
            'fibery/name': 'Fz/Tag',
            'fibery/fields': [{ 'fibery/name': 'Fz/Name', 'fibery/type': 'fibery/text' }],
          },
        },
        ...[
          ['Fz/Item', 'Fz/Parent', 'Fz/Item', { 'fibery/relation': 'r-parent' }],
          [
            'Fz/Item',
            'Fz/Children',
            'Fz/Item',
            { 'fibery/relation': 'r-parent', 'fibery/collection?': true },
          ],
          ['Fz/Item', 'Fz/Tags', 'Fz/Tag', { 'fibery/relation': 'r-tags', 'fibery/collection?': true }],
          ['Fz/Tag', 'Fz/Items', 'Fz/Item', { 'fibery/relation': 'r-tags', 'fibery/collection?': true }],
        ].map(([holder, name, type, meta]) => ({
          command: 'schema.field/create',
          args: {
            'fibery/holder-type': holder,
            'fibery/name': name,
            'fibery/type': type,
            'fibery/meta': meta,
          },
        })),
      ],
    },
  },
  ...TAGS.map((tag, i) => ({
    command: 'fibery.entity/create',
    args: { type: 'Fz/Tag', entity: { 'fibery/id': tag, 'Fz/Name': ['red', 'Green', 'blue-ish'][i] } },
  })),
  ...ITEMS.map((item, i) => ({
    command: 'fibery.entity/create',
    args: {
      type: 'Fz/Item',
      entity:
        i === 7
          ? { 'fibery/id': item }
          : {
              'fibery/id': item,
              'Fz/Name': ['Alpha', 'beta', 'Gamma ray', '', 'ÄÖÜ', 'ΟΔΥΣΣΕΥΣ', 'İstanbul', 'straße'][i],
              'Fz/Count': [0, -3, 42, 7, 9_007_199_254_740_991, 1, 42][i],
              'Fz/Price': ['2.01', 0.5, -1e10, 3, 0, 1e-7, 99.99][i],
              'Fz/Done': i % 2 === 0,
              'Fz/Day': `2020-0${(i % 9) + 1}-1${i}`,
              'Fz/At': `2021-05-0${i + 1}T10:0${i}:00.000Z`,
              'Fz/Mail': `user${i}@example.com`,
              'Fz/Link': `https://example.com/${i}`,
              'Fz/Data': [{ a: i }, [1, 2], 'text', 5, null, true, { nested: { deep: [i] } }][i],
              'Fz/Period': { start: `2019-0${i + 1}-01`, end: `2019-0${i + 2}-01` },
              'Fz/Span': { start: `2019-06-0${i + 1}T00:00:00.000Z`, end: `2019-07-0${i + 1}T00:00:00.000Z` },
              'Fz/Place': { longitude: i * 10, latitude: -i * 5, fullAddress: `Place ${i}` },
              'Fz/Color': ['#F7D130', '#000', '#abcdef12'][i % 3],
              'Fz/Icon': ['🏏', '⭐', 'x'][i % 3],
              'Fz/Key': id(500 + i),
              ...(i > 0 ? { 'Fz/Parent': { 'fibery/id': ITEMS[Math.floor((i - 1) / 2)] } } : {}),
            },
    },
  })),
  ...ITEMS.slice(0, 5).map((item, i) => ({
    command: 'fibery.entity/add-collection-items',
    args: {
      type: 'Fz/Item',
      field: 'Fz/Tags',
      entity: { 'fibery/id': item },
      items: TAGS.slice(0, i % 4).map((tag) => ({ 'fibery/id': tag })),
    },
  })),
];

// Values of every JSON type, with the awkward ones a user would try: NUL, lone surrogates, huge and
// tiny numbers, dates in several shapes, ids, objects and long lists.
const awkwardText = fc.constantFrom(
  '',
  'a',
  'Alpha',
  'ALPHA',
  'ä',
  'Ä',
  'İ',
  'i̇',
  'ß',
  'ẞ',
  'ΣΑΣ',
  'σας',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfff',
  '%',
  '_',
  "'; DROP TABLE x; --",
  '2020-01-10',
  '2021-05-01T10:00:00.000Z',
  '2021-05-01',
  '42',
  '1e400',
  'NaN',
  '-0',
  '00000000-0000-4000-8000-000000000001',
  'user1@example.com',
  '#000',
);
const awkwardNumber = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    42,
    0.5,
    1e300,
    -1e300,
    1.7976931348623157e308,
    5e-324,
    2 ** 53,
    2 ** 63,
    1e21,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const scalar = fc.oneof(
  { arbitrary: awkwardText, weight: 4 },
  { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
  { arbitrary: awkwardNumber, weight: 3 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.constantFrom(...ITEMS, ...TAGS).map((i) => ({ 'fibery/id': i })), weight: 1 },
  { arbitrary: fc.constant({ start: '2019-01-01', end: '2019-02-01' }), weight: 1 },
);
const value = fc.oneof(
  { arbitrary: scalar, weight: 6 },
  { arbitrary: fc.array(scalar, { maxLength: 6 }), weight: 2 },
  {
    arbitrary: fc.integer({ min: 0, max: 40_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
    weight: 1,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
);

const own = fc.constantFrom(...OWN);
const tagField = fc.constantFrom('Fz/Name', 'fibery/id', 'fibery/public-id', 'fibery/creation-date');
const path = fc.oneof(
  { arbitrary: own.map((f) => [f]), weight: 5 },
  { arbitrary: own, weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom('Fz/Parent', 'Fz/Children'), own).map((p) => [...p]), weight: 3 },
  {
    arbitrary: fc
      .tuple(fc.array(fc.constant('Fz/Parent'), { minLength: 1, maxLength: 12 }), own)
      .map(([p, f]) => [...p, f]),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom(
      ['Fz/Tags', 'Fz/Name'],
      ['Fz/Tags'],
      ['Fz/Children'],
      ['Fz/Parent'],
      ['fibery/created-by', 'user/name'],
      ['Fz/Children', 'Fz/Tags', 'Fz/Name'],
    ),
    weight: 2,
  },
  {
    arbitrary: fc
      .constantFrom('q/start', 'q/end')
      .chain((fn) => fc.constantFrom('Fz/Period', 'Fz/Span', 'Fz/Name').map((f) => [fn, [f]])),
    weight: 1,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
);
const OPERATORS = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'q/in',
  'q/not-in',
  'q/contains',
  'q/not-contains',
  'q/contains-ignoring-case?',
  'q/not-contains-ignoring-case?',
  'q/starts-with-ignoring-case?',
  'q/ends-with-ignoring-case?',
  'q/equals-ignoring-case?',
  'q/not-equals-ignoring-case?',
  'q/null?',
  'q/null-or-empty?',
];
const leaf = fc.oneof(
  { arbitrary: fc.tuple(fc.constantFrom(...OPERATORS), path, fc.constant('$v')), weight: 8 },
  { arbitrary: fc.tuple(fc.constantFrom('q/null?', 'q/null-or-empty?'), path), weight: 1 },
  {
    arbitrary: fc.tuple(
      fc.constantFrom('=', '!='),
      fc.tuple(fc.constantFrom('q/null?', 'q/null-or-empty?'), path),
      fc.constant('$v'),
    ),
    weight: 1,
  },
  {
    arbitrary: fc.tuple(
      fc.constantFrom('=', '<', '>='),
      fc.tuple(fc.constantFrom('q/count', 'q/sum', 'q/min'), path),
      fc.constant('$v'),
    ),
    weight: 1,
  },
);
const condition: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(fc.constantFrom('q/and', 'q/or'), tie('cond'), tie('cond')),
    fc
      .integer({ min: 1, max: 400 })
      .chain((n) =>
        fc
          .constantFrom('q/and', 'q/or')
          .map((op) => [
            op,
            ...Array.from({ length: n }, (_, i) => ['=', ['Fz/Count'], i % 2 ? '$v' : '$w']),
          ]),
      ),
  ),
})).cond;
const AGGREGATES = ['q/count', 'q/sum', 'q/avg', 'q/min', 'q/max'];
/** A path through to-one relations only: what q/select and q/order-by take. */
const toOnePath = fc.oneof(
  { arbitrary: own.map((f) => [f]), weight: 4 },
  {
    arbitrary: fc
      .tuple(fc.array(fc.constant('Fz/Parent'), { minLength: 1, maxLength: 12 }), own)
      .map(([p, f]) => [...p, f]),
    weight: 2,
  },
  { arbitrary: fc.constant(['fibery/created-by', 'user/name']), weight: 1 },
  { arbitrary: path, weight: 1 },
);
/** A path through one collection: what per-row aggregates take. */
const collectionPath = fc.oneof(
  { arbitrary: fc.tuple(fc.constant('Fz/Children'), own).map((p) => [...p]), weight: 3 },
  { arbitrary: fc.tuple(fc.constant('Fz/Tags'), tagField).map((p) => [...p]), weight: 1 },
  { arbitrary: fc.constantFrom(['Fz/Tags', 'Fz/Name'], ['Fz/Children', 'Fz/Parent', 'Fz/Name']), weight: 1 },
  { arbitrary: path, weight: 1 },
);
const selectItem = fc.oneof(
  { arbitrary: own, weight: 6 },
  {
    arbitrary: fc
      .constantFrom('Fz/Parent', 'Fz/Children', 'Fz/Tags')
      .chain((r) =>
        fc.array(r === 'Fz/Tags' ? tagField : own, { minLength: 1, maxLength: 3 }).map((s) => ({ [r]: s })),
      ),
    weight: 2,
  },
  {
    arbitrary: fc.tuple(fc.constantFrom(...AGGREGATES), collectionPath).map((a) => ({ agg: a })),
    weight: 2,
  },
  { arbitrary: path, weight: 1 },
);
/** A map select: aliases of paths, relation objects and per-row aggregates. */
const selectMap = fc.dictionary(
  fc.constantFrom('a', 'b', 'c', 'd'),
  fc.oneof(
    { arbitrary: toOnePath, weight: 4 },
    { arbitrary: fc.tuple(fc.constantFrom(...AGGREGATES), collectionPath), weight: 2 },
    {
      arbitrary: fc.record({
        'q/from': fc.constantFrom('Fz/Children', 'Fz/Parent'),
        'q/select': fc.array(own, { minLength: 1, maxLength: 2 }),
        'q/limit': fc.integer({ min: 0, max: 3 }),
      }),
      weight: 1,
    },
  ),
  { minKeys: 1 },
);
const select = fc.oneof(
  { arbitrary: fc.array(selectItem, { minLength: 1, maxLength: 6 }), weight: 6 },
  { arbitrary: selectMap, weight: 3 },
  { arbitrary: fc.tuple(fc.constantFrom(...AGGREGATES), path).map((a) => ({ n: a })), weight: 2 },
  {
    arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => Array.from({ length: n }, () => 'Fz/Name')),
    weight: 1,
  },
  {
    arbitrary: fc
      .integer({ min: 1, max: 300 })
      .map((n) =>
        Object.fromEntries(
          Array.from({ length: n }, (_, i) => [
            `k${i}`,
            ['Fz/Parent', 'Fz/Parent', 'Fz/Parent', 'Fz/Children', 'Fz/Name'],
          ]),
        ),
      ),
    weight: 1,
  },
);
const query = fc.record(
  {
    'q/from': fc.oneof(
      { arbitrary: fc.constant('Fz/Item'), weight: 9 },
      { arbitrary: fc.constantFrom('Fz/Tag', 'fibery/user'), weight: 1 },
    ),
    'q/select': select,
    'q/where': fc.oneof(condition, fc.constant(null)),
    'q/order-by': fc.oneof(
      fc.array(fc.tuple(toOnePath, fc.constantFrom('q/asc', 'q/desc')), { maxLength: 3 }),
      fc.integer({ min: 1, max: 2000 }).map((n) => Array.from({ length: n }, () => [['Fz/Name'], 'q/asc'])),
    ),
    'q/limit': fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant('q/no-limit')),
    'q/offset': fc.nat(10),
  },
  { requiredKeys: ['q/from', 'q/select'] },
);
const queryCommand = fc.record({
  command: fc.constant('fibery.entity/query'),
  args: fc.record({ query, params: fc.record({ $v: value, $w: value }) }),
});
const writeCommand = fc.record({
  command: fc.constantFrom('fibery.entity/create', 'fibery.entity/update'),
  args: fc.record({
    type: fc.constant('Fz/Item'),
    entity: fc
      .tuple(
        fc.constantFrom(...ITEMS),
        fc.dictionary(fc.constantFrom(...FIELDS.map(([name]) => name), 'Fz/Parent'), value, { maxKeys: 3 }),
      )
      .map(([item, fields]) => ({ 'fibery/id': item, ...fields })),
  }),
});
/** Writes end in a failing command inside a batch, so the data stays the same for every run. */
const rolledBackWrite = writeCommand.map((command) => ({
  command: 'fibery.command/batch',
  args: {
    commands: [command, { command: 'fibery.entity/create', args: { type: 'Fz/Nowhere', entity: {} } }],
  },
}));
const payload = fc.oneof(
  { arbitrary: queryCommand, weight: 8 },
  { arbitrary: writeCommand, weight: 1 },
  { arbitrary: rolledBackWrite, weight: 1 },
);

/**
 * An answer as the databases must agree on it: exactly, but for numbers, which are compared to 12
 * significant digits. Sums and averages are floating-point arithmetic, which each database does in
 * its own order and way (SQLite compensates rounding errors, PostgreSQL averages integers exactly), so
 * they may differ in their last digits (-3999999999.398 against -3999999999.3980002, or an average
 * of 1286742750677296 against 1286742750677296.4).
 */
function comparable(value: unknown): unknown {
  if (typeof value === 'number') return Number(value.toPrecision(12));
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, comparable(item)]));
  return value;
}

interface Side {
  name: string;
  t: TestApp;
  token: string;
  /** The admin's fibery/id, random on each side, so answers are compared without it. */
  userId: string;
}

/** The reply to `body`: its envelope, or the HTTP error of a refused request (never a 5xx). */
async function send(side: Side, body: unknown) {
  const response = await side.t.app.inject({
    method: 'POST',
    url: '/api/commands',
    headers: { authorization: `Token ${side.token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  assert.ok(response.statusCode < 500, `${side.name}: ${response.body.slice(0, 300)}`);
  // JSON with a "__proto__" key is refused as a whole (prototype poisoning), the same on both.
  if (response.statusCode !== 200)
    return { success: false, result: { name: `HTTP ${response.statusCode} ${response.json().error.code}` } };
  return response.json();
}

describe('every field type under random queries, on every database', () => {
  const sides: Side[] = [];
  const clock = createTestClock();

  before(async () => {
    for (const backend of backends) {
      if (backend.skip) continue;
      const t = await startTestApp(backend, { clock, config: { bodyLimit: 4 * 1024 * 1024 } });
      await t.accounts.createWorkspace({ slug: 'demo' });
      const { user } = await t.accounts.createUser({
        workspace: 'demo',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        password: 'long-password',
      });
      const side = {
        name: backend.name,
        t,
        token: (await t.tokens.createToken(user)).value,
        userId: user.id,
      };
      for (const command of SETUP) {
        const envelope = await send(side, command);
        assert.equal(envelope.success, true, JSON.stringify(envelope));
      }
      sides.push(side);
    }
  });
  after(async () => {
    for (const side of sides) await side.t.close();
  });

  test('no command.error/internal, and the same answer from every database', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(payload, async (body) => {
        runs++;
        // Inject resolves through microtasks only; let the event loop run now and then.
        if (runs % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
        const answers = [];
        for (const side of sides) {
          const envelope = await send(side, body);
          if (!envelope.success)
            assert.notEqual(
              envelope.result.name,
              'command.error/internal',
              `${side.name}: ${envelope.result.message}`,
            );
          const answer = envelope.success ? envelope : { success: false, name: envelope.result.name };
          answers.push(JSON.parse(JSON.stringify(answer).replaceAll(side.userId, 'the admin')));
        }
        for (const answer of answers.slice(1)) assert.deepEqual(comparable(answer), comparable(answers[0]));
      }),
      {
        numRuns: Number(process.env.FUZZ_RUNS ?? 2000),
        ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
      },
    );
  });
});
