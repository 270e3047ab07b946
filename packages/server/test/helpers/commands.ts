/** `POST /api/commands` from tests: the envelope, its result on success, or its error name. */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';

/**
 * `app` and `tokenOf` are read at each call, since suites create their app in `before`. `tokenOf`
 * turns the optional `as` of a call (a role, a token: the suite decides) into the token to send;
 * `host`, when given, names the workspace the requests go to (`{slug}.localhost`).
 */
export function commandClient(
  app: () => FastifyInstance,
  tokenOf: (as?: string) => string,
  host?: () => string,
) {
  async function run(body: unknown, as?: string) {
    const response = await app().inject({
      method: 'POST',
      url: '/api/commands',
      headers: { authorization: `Token ${tokenOf(as)}`, ...(host ? { host: host() } : {}) },
      payload: body as object,
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  }
  /** The result of a command that must succeed. */
  async function ok(body: unknown, as?: string) {
    const envelope = await run(body, as);
    assert.equal(envelope.success, true, JSON.stringify(envelope));
    return envelope.result;
  }
  /** The error name of a command that must fail. */
  async function fails(body: unknown, as?: string): Promise<string> {
    const envelope = await run(body, as);
    assert.equal(envelope.success, false, JSON.stringify(envelope));
    return envelope.result.name;
  }
  return { run, ok, fails };
}
