// What goes wrong on the way: each ends in a typed error within the configured time, with no
// unhandled rejection and no second try of a write. The servers here are real HTTP servers that
// answer as a broken proxy, an overloaded server or a cut connection would.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { createClient, WeftHttpError } from '@weft/client';

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

/** An HTTP server answering every request with `handle`; resolves with its URL and request count. */
async function serve(handle: (request: IncomingMessage, response: ServerResponse, n: number) => void) {
  let count = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => handle(request, response, ++count));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count };
}

const query = { 'q/from': 'fibery/user', 'q/select': ['fibery/id'] } as const;
const write = { command: 'fibery.entity/create', args: { type: 'A/B', entity: {} } };
const options = { token: 'weft_x', pacing: false as const, retries: 2 };
const failsWith = (code: string, status?: number) => (error: unknown) =>
  error instanceof WeftHttpError && error.code === code && (status === undefined || error.status === status);

describe('@weft/client when the request goes wrong', () => {
  // Whichever of them ran, none may leave an unhandled rejection behind.
  after(() => assert.deepEqual(unhandled, []));

  test('a host that does not resolve is NETWORK_ERROR after the retries', async () => {
    const client = createClient({ url: 'http://weft.invalid', ...options, retries: 1 });
    await assert.rejects(client.query(query), failsWith('NETWORK_ERROR', 0));
  });

  test('an HTML error page is the HTTP error; an HTML page with 200 is INVALID_RESPONSE', async () => {
    const { url } = await serve((request, response) => {
      const ok = request.url === '/api/tokens';
      response
        .writeHead(ok ? 200 : 502, { 'content-type': 'text/html' })
        .end('<html><h1>Bad gateway</h1></html>');
    });
    const client = createClient({ url, ...options });
    await assert.rejects(client.command(write), failsWith('HTTP_502', 502));
    await assert.rejects(client.tokens.list(), failsWith('INVALID_RESPONSE', 200));
  });

  test('a connection cut before the answer fails a batch of writes once, and a query after its retries', async () => {
    const server = await serve((request) => request.socket.destroy());
    const client = createClient({ url: server.url, ...options });
    await assert.rejects(client.batch([write, write]), failsWith('NETWORK_ERROR'));
    assert.equal(server.requests(), 1, 'a write is never sent twice');
    await assert.rejects(client.query(query), failsWith('NETWORK_ERROR'));
    assert.equal(server.requests(), 1 + 3);
  });

  test('a body cut short is a typed error, never half a result', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('[{"success": tr');
      response.socket?.destroy();
    });
    const client = createClient({ url, ...options, retries: 0 });
    await assert.rejects(
      client.query(query),
      (error: unknown) =>
        error instanceof WeftHttpError && ['NETWORK_ERROR', 'INVALID_RESPONSE'].includes(error.code),
    );
  });

  test('a server that always answers 429 is RATE_LIMITED once the retries are spent; a write is not retried', async () => {
    const server = await serve((_request, response) =>
      response
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' })
        .end('{"error":{"code":"RATE_LIMITED","message":"slow down"}}'),
    );
    const client = createClient({ url: server.url, ...options });
    await assert.rejects(client.query(query), failsWith('RATE_LIMITED', 429));
    assert.equal(server.requests(), 3);
    await assert.rejects(client.command(write), failsWith('RATE_LIMITED', 429));
    assert.equal(server.requests(), 4);
  });

  test('a Retry-After of an hour is not waited for: RATE_LIMITED at once, naming maxRetryWaitMs', async () => {
    const server = await serve((_request, response) =>
      response
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '3600' })
        .end('{"error":{"code":"RATE_LIMITED","message":"later"}}'),
    );
    const client = createClient({ url: server.url, ...options, maxRetryWaitMs: 5000 });
    await assert.rejects(
      client.query(query),
      (error: unknown) =>
        failsWith('RATE_LIMITED', 429)(error) && /maxRetryWaitMs/.test((error as Error).message),
    );
    assert.equal(server.requests(), 1);
  });

  test('an answer larger than maxResponseBytes is refused, declared or not', async () => {
    const big = JSON.stringify([{ success: true, result: 'x'.repeat(5000) }]);
    const { url } = await serve((request, response) => {
      const chunked = request.url === '/api/tokens';
      response.writeHead(200, {
        'content-type': 'application/json',
        ...(chunked ? {} : { 'content-length': Buffer.byteLength(big) }),
      });
      if (chunked) response.write(big.slice(0, 2000));
      response.end(chunked ? big.slice(2000) : big);
    });
    const client = createClient({ url, ...options, maxResponseBytes: 1000 });
    await assert.rejects(client.query(query), failsWith('RESPONSE_TOO_LARGE'));
    await assert.rejects(client.tokens.list(), failsWith('RESPONSE_TOO_LARGE'));
  });

  test('an abort while the server holds the request is ABORTED, and is not retried', async () => {
    const controller = new AbortController();
    // The server aborts the client once the request has arrived, then never answers.
    const server = await serve(() => controller.abort());
    const client = createClient({ url: server.url, ...options });
    await assert.rejects(
      client.query(query, undefined, { signal: controller.signal }),
      failsWith('ABORTED', 0),
    );
    assert.equal(server.requests(), 1);
  });

  test('no answer within timeoutMs is TIMEOUT', async () => {
    const { url } = await serve(() => {});
    const client = createClient({ url, ...options, retries: 0, timeoutMs: 100 });
    await assert.rejects(client.query(query), failsWith('TIMEOUT', 0));
  });
});
