import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONFIG_DOC, ERRORS_DOC, readText, renderConfigDoc, renderErrorsDoc } from '../../../scripts/docs.ts';

test('docs/configuration.md lists every option of the config schema (npm run docs)', () => {
  assert.equal(readText(CONFIG_DOC), renderConfigDoc());
});

test('docs/errors.md lists every error code (npm run docs)', () => {
  assert.equal(readText(ERRORS_DOC), renderErrorsDoc());
});
