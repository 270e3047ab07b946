import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCatalogues } from '../errors/catalogues.ts';
import { listErrorFactories, WeftError } from '../errors/index.ts';

test('every error code is UPPER_SNAKE, documented, defined once, with a 4xx or 5xx status', () => {
  const seen = new Set<string>();
  for (const catalogue of errorCatalogues) {
    for (const factory of listErrorFactories(catalogue)) {
      assert.match(factory.code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      assert.ok(!seen.has(factory.code), `${factory.code} is defined twice`);
      seen.add(factory.code);
      assert.ok(factory.status >= 400 && factory.status < 600, factory.code);
      assert.ok(factory.doc.length > 10, `${factory.code} has a doc`);
      const error = factory('message', { extra: 1 });
      assert.ok(error instanceof WeftError);
      assert.equal(error.code, factory.code);
      assert.equal(error.status, factory.status);
    }
  }
  assert.ok(seen.has('NOT_FOUND') && seen.has('WORKSPACE_NOT_FOUND'));
});
