import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workspaceSlugForHost } from './workspace-slug-for-host.ts';

const config = { baseDomain: 'weft.test', defaultWorkspace: 'demo' };

test('a subdomain of the base domain names its workspace, with or without a port', () => {
  assert.equal(workspaceSlugForHost('acme.weft.test', config), 'acme');
  assert.equal(workspaceSlugForHost('ACME.weft.test:8080', config), 'acme');
  assert.equal(workspaceSlugForHost('acme.weft.test.', config), 'acme');
});

test('any other host names the default workspace', () => {
  for (const host of [
    'localhost:3000',
    '127.0.0.1',
    '[::1]:3000',
    'weft.test',
    'a.b.weft.test',
    'evilweft.test',
    undefined,
  ]) {
    assert.equal(workspaceSlugForHost(host, config), 'demo', String(host));
  }
});

test('without a base domain every host names the default workspace', () => {
  assert.equal(
    workspaceSlugForHost('acme.weft.test', { baseDomain: undefined, defaultWorkspace: 'demo' }),
    'demo',
  );
});
