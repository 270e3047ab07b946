import type { IncomingMessage } from 'node:http';

/**
 * How many times the request carries header `name` (lower case). Node keeps only the first of some
 * repeated headers (Host, Authorization), so a second one is seen only in the raw list.
 */
export function countHeader(request: IncomingMessage, name: string): number {
  let count = 0;
  const raw = request.rawHeaders;
  // The length first: most headers differ in it, and then need no lower-cased copy.
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) count++;
  return count;
}
