import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { httpErrors } from './errors.ts';

/**
 * Requests Node's HTTP parser rejects before any route runs (malformed request line, headers over
 * Node's 16 KiB limit, a timeout) still get the JSON error shape with a stable code.
 */
export function handleClientError(error: Error & { code?: string }, socket: Duplex) {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const known =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? httpErrors.HEADERS_TOO_LARGE('The request headers are larger than the server accepts.')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? httpErrors.REQUEST_TIMEOUT('The request took too long to arrive.')
        : httpErrors.BAD_REQUEST('The request is not valid HTTP.');
  const body = JSON.stringify({ error: { code: known.code, message: known.message } });
  socket.end(
    `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
