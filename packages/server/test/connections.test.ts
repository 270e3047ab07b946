// Connections as an attacker holds them: thousands of silent sockets, a body sent a byte at a time,
// connections left idle. Each ends at its limit, and the server keeps answering.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/backends.ts';
import { memberWithToken, startTestApp, type TestApp } from './helpers/test-app.ts';

/** A raw connection, with what it received and a promise of its close. */
function open(port: number) {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    received += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, connected, closed, received: () => received };
}

/** A request over a fresh connection: its status line, or null when the connection closed first. */
async function statusLine(
  port: number,
  request = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
) {
  const conn = open(port);
  conn.socket.write(request);
  await conn.closed;
  return conn.received().split('\r\n')[0] || null;
}

describe('connection limits', () => {
  let t: TestApp;
  let port = 0;
  let token = '';
  before(async () => {
    t = await startTestApp(backends[0]!, {
      config: { maxConnections: 20, headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 200 },
    });
    ({ token } = await memberWithToken(t, 'demo', 'ada@example.com'));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  after(() => t?.close());

  test('past the connection cap new connections are closed; silent ones end at the headers timeout', async () => {
    const silent = Array.from({ length: 20 }, () => open(port));
    await Promise.all(silent.map((conn) => conn.connected));
    assert.equal(await statusLine(port), null, 'the 21st connection is closed without an answer');
    // Not one byte sent: each is closed by the server, and the cap frees with them.
    await Promise.all(silent.map((conn) => conn.closed));
    assert.equal(await statusLine(port), 'HTTP/1.1 200 OK');
  });

  test('a body sent one byte at a time is cut off at the request timeout with 408', async () => {
    const conn = open(port);
    await conn.connected;
    conn.socket.write(
      `POST /api/commands HTTP/1.1\r\nHost: localhost\r\nAuthorization: Token ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
    );
    let sent = 0;
    const drip = setInterval(() => {
      if (conn.socket.writable) conn.socket.write(' ');
      sent++;
    }, 50);
    await conn.closed;
    clearInterval(drip);
    assert.ok(sent < 1000, `closed after ${sent} of 1,000 bytes`);
    assert.match(conn.received(), /^HTTP\/1\.1 408 /);
  });

  test('a kept-alive connection left idle is closed at the keep-alive timeout', async () => {
    const conn = open(port);
    conn.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await conn.closed;
    assert.match(conn.received(), /^HTTP\/1\.1 200 /);
    assert.match(conn.received(), /keep-alive/i);
  });

  test('a request with two Host headers is 400, as HTTP requires (RFC 9112 §3.2)', async () => {
    const line = await statusLine(
      port,
      'GET /healthz HTTP/1.1\r\nHost: localhost\r\nHost: other.example\r\nConnection: close\r\n\r\n',
    );
    assert.equal(line, 'HTTP/1.1 400 Bad Request');
  });
});

test('a request timeout shorter than the headers timeout is refused at start, naming both', async () => {
  await assert.rejects(
    startTestApp(backends[0]!, { config: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 } }),
    /WEFT_REQUEST_TIMEOUT_MS .* WEFT_HEADERS_TIMEOUT_MS/,
  );
});
