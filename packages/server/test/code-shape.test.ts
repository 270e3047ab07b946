// The shape the code keeps: features import each other through their index.ts (Biome's
// noRestrictedImports, in biome.json, names every folder), and no source file or function grows past
// the size a reader takes in at once (scripts/code-size.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_FILE_LINES, MAX_FUNCTION_LINES, oversized } from '../../../scripts/code-size.ts';

const ROOT = join(import.meta.dirname, '../../..');
const SOURCE = join(ROOT, 'packages/server/src');

function folders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => [entry.name, ...folders(join(dir, entry.name))]);
}

test('every folder of the server source is named in the import rule, so none can be reached into', () => {
  const biome = JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8'));
  const [pattern] = biome.overrides[0].linter.rules.style.noRestrictedImports.options.patterns;
  const guarded = new Set((pattern.group as string[]).map((glob) => glob.split('/')[1]));
  const missing = [...new Set(folders(SOURCE))].filter((name) => !guarded.has(name));
  assert.deepEqual(missing, [], `add "**/<name>/**/*" to biome.json's noRestrictedImports group`);
});

test(`no source file is over ${MAX_FILE_LINES} lines and no function over ${MAX_FUNCTION_LINES} of its own`, () => {
  const found = oversized(ROOT).map(
    ({ file, line, what, lines }) => `${file}:${line} ${what}: ${lines} lines`,
  );
  assert.deepEqual(found, []);
});
