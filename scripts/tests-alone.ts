// Runs a sample of tests one by one, each alone in a process of its own, to keep every test standing
// alone (one that leans on what an earlier test made fails here). `node scripts/tests-alone.ts [n]`:
// n tests (default 16), drawn afresh each run; TESTS_ALONE_SEED=<seed> draws the same ones again.
import { spawnSync } from 'node:child_process';
import { globSync, readFileSync } from 'node:fs';

/** Whole-server load tests: each runs for seconds on purpose and has a single test. */
const SLOW = /fairness|fuzz|property|statement-memory|query-bombs|ratelimit-instances|fibery-unofficial/;

const count = Number(process.argv[2] ?? 16);
const seed = Number(process.env.TESTS_ALONE_SEED ?? Math.floor(Math.random() * 2 ** 31));
let state = seed;
/** A small seeded generator (mulberry32), so a failing draw can be repeated. */
function random() {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// Tests named by a plain string literal, so the name can be matched exactly.
const candidates = globSync(['packages/*/test/*.test.ts', 'packages/*/src/**/*.test.ts'])
  .filter((file) => !SLOW.test(file))
  .flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/\btest\(\s*'((?:[^'\\]|\\.)+)'/g)].map((match) => ({
      file,
      name: match[1]!.replace(/\\'/g, "'"),
    })),
  );

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
console.log(`Running ${count} of ${candidates.length} tests alone (TESTS_ALONE_SEED=${seed}).`);
let failed = 0;
for (let i = 0; i < count && candidates.length > 0; i++) {
  const [{ file, name }] = candidates.splice(Math.floor(random() * candidates.length), 1) as [
    { file: string; name: string },
  ];
  const run = spawnSync(
    process.execPath,
    [
      '--conditions=weft-source',
      '--test',
      '--test-reporter=tap',
      `--test-name-pattern=^${escapeRegExp(name)}$`,
      file,
    ],
    { encoding: 'utf8', env: process.env },
  );
  const passed = Number(/^# pass (\d+)/m.exec(run.stdout)?.[1] ?? 0);
  const ok = run.status === 0 && passed > 0;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${file}: ${name}${ok ? '' : ` (exit ${run.status}, ${passed} passed)`}`,
  );
  if (!ok) {
    failed++;
    console.log(
      run.stdout
        .split('\n')
        .filter((line) => /not ok|error|expected|actual/i.test(line))
        .slice(0, 20)
        .join('\n'),
    );
  }
}
if (failed > 0) {
  console.log(`${failed} test(s) failed alone; repeat with TESTS_ALONE_SEED=${seed}.`);
  process.exit(1);
}
