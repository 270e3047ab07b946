import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './load-config.ts';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

test('uses the documented defaults when nothing is set', () => {
  const config = loadConfig({ env: {} });
  assert.equal(config.port, 3000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.dataDir, './data');
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.redisUrl, undefined);
  assert.equal(config.publicUrl, 'http://localhost:3000');
  assert.equal(config.baseDomain, 'localhost', 'workspaces answer on subdomains of localhost');
  assert.equal(config.defaultWorkspace, 'demo');
  assert.equal(config.bodyLimit, 1024 * 1024);
});

test('reads the environment, lets flags win, and treats an empty variable as unset', () => {
  const config = loadConfig({
    env: { PORT: '4000', HOST: '', WEFT_BASE_DOMAIN: 'Weft.Example.COM', DATABASE_URL: 'postgres://u@h/db' },
    flags: { port: '5000' },
  });
  assert.equal(config.port, 5000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.baseDomain, 'weft.example.com');
  assert.equal(config.databaseUrl, 'postgres://u@h/db');
  assert.equal(config.publicUrl, 'http://localhost:5000', 'the default public URL follows the port');
});

test('names every invalid option with what a valid value looks like', () => {
  const problems = problemsOf(() =>
    loadConfig({ env: { PORT: 'eighty', WEFT_DEFAULT_WORKSPACE: 'Not A Slug', WEFT_PUBLIC_URL: 'ftp://x' } }),
  );
  assert.equal(problems.length, 3);
  assert.match(problems[0]!, /^PORT must be a whole number from 0 to 65535 \(got "eighty"\)$/);
  assert.match(problems[1]!, /^WEFT_PUBLIC_URL /);
  assert.match(problems[2]!, /^WEFT_DEFAULT_WORKSPACE /);
});

test('names the flag when the bad value came from a flag', () => {
  assert.match(
    problemsOf(() => loadConfig({ env: {}, flags: { 'body-limit': '-1' } }))[0]!,
    /^--body-limit /,
  );
});

test('never echoes the value of a secret option', () => {
  const [problem] = problemsOf(() => loadConfig({ env: { DATABASE_URL: 'mysql://root:hunter2@db/x' } }));
  assert.match(problem!, /^DATABASE_URL must be a postgres:\/\/ URL/);
  assert.doesNotMatch(problem!, /hunter2/);
});

test('rejects a port out of range and a body limit below 1 KiB', () => {
  assert.equal(problemsOf(() => loadConfig({ env: { PORT: '70000', WEFT_BODY_LIMIT: '10' } })).length, 2);
});

test('checks rules between options: a request timeout shorter than the headers timeout names both', () => {
  const [problem] = problemsOf(() =>
    loadConfig({ env: { WEFT_HEADERS_TIMEOUT_MS: '5000', WEFT_REQUEST_TIMEOUT_MS: '1000' } }),
  );
  assert.match(
    problem!,
    /^WEFT_REQUEST_TIMEOUT_MS \(1000\) must be at least WEFT_HEADERS_TIMEOUT_MS \(5000\)/,
  );
});

test('a workspace share of the PostgreSQL pool defaults to half of the pool', () => {
  assert.equal(loadConfig({ env: { WEFT_DATABASE_POOL_SIZE: '20' } }).databaseWorkspaceConnections, 10);
  assert.equal(loadConfig({ env: { WEFT_DATABASE_POOL_SIZE: '1' } }).databaseWorkspaceConnections, 1);
});
