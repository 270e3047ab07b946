import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ERRORS_DOC,
  formatConfigTable,
  README,
  readmeConfigTable,
  readText,
  renderErrorsDoc,
} from '../../../scripts/docs.ts';

test('the README configuration table matches the config schema (npm run docs)', () => {
  assert.equal(readmeConfigTable(readText(README)), formatConfigTable());
});

test('docs/errors.md lists every error code (npm run docs)', () => {
  assert.equal(readText(ERRORS_DOC), renderErrorsDoc());
});
