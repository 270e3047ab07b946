// The OAuth helpers and OAuth credentials against Weft's own authorization server, through the
// whole flow: a person logs in and allows the app in a browser-like agent, the app exchanges the
// code, calls the API with Bearer tokens that refresh themselves, and revokes them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createAuthorizationRequest,
  createClient,
  exchangeCode,
  type OAuthTokens,
  parseCallback,
  revokeToken,
  WeftHttpError,
} from '@weft/client';
import { backends } from '../../server/test/helpers/backends.ts';
import {
  authorize,
  createAgent,
  type OAuthBench,
  REDIRECT_URI,
  startOAuthBench,
} from '../../server/test/helpers/oauth.ts';

const sqlite = backends.find((backend) => backend.name === 'sqlite')!;

describe('@weft/client OAuth against Weft', () => {
  let bench: OAuthBench;
  let app: { clientId: string; clientSecret: string; tokenUrl: string };
  before(async () => {
    bench = await startOAuthBench(sqlite);
    app = { clientId: bench.app.id, clientSecret: bench.app.secret, tokenUrl: `${bench.base}/oauth2/token` };
  });
  after(() => bench.close());

  /** A person allows the app; resolves with the app's tokens. */
  async function allow(): Promise<OAuthTokens> {
    const request = await createAuthorizationRequest({
      authorizationUrl: `${bench.base}/oauth2/auth`,
      clientId: app.clientId,
      redirectUri: REDIRECT_URI,
    });
    const callback = await authorize(bench, createAgent(bench.base), request.url);
    const code = parseCallback(callback.href, { state: request.state, issuer: bench.base });
    return exchangeCode(app, { code, redirectUri: REDIRECT_URI, codeVerifier: request.codeVerifier });
  }

  const whoAmI = {
    'q/from': 'fibery/user',
    'q/select': ['user/email'],
    'q/where': ['=', ['fibery/id'], '$my-id'],
  } as const;

  test('the whole flow: PKCE authorization, checked callback, code exchange, then Bearer calls', async () => {
    const tokens = await allow();
    assert.ok(tokens.refreshToken && tokens.idToken && tokens.expiresAt > Date.now());
    const client = createClient({ url: bench.base, oauth: { ...app, ...tokens } });
    assert.deepEqual(await client.query(whoAmI), [{ 'user/email': 'ada@example.com' }]);
  });

  test('an expired access token is refreshed once before the call, however many calls wait for it', async () => {
    const tokens = await allow();
    const stored: OAuthTokens[] = [];
    const client = createClient({
      url: bench.base,
      oauth: { ...app, ...tokens, expiresAt: Date.now() - 1, onTokens: (fresh) => void stored.push(fresh) },
    });
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.query(whoAmI)));
    assert.equal(answers.length, 5);
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]!.refreshToken, tokens.refreshToken, 'the server rotates refresh tokens');
  });

  test('a 401 is answered by one refresh and the call is sent again', async () => {
    const tokens = await allow();
    const stored: OAuthTokens[] = [];
    const client = createClient({
      url: bench.base,
      oauth: { ...app, ...tokens, accessToken: 'not-a-token', onTokens: (fresh) => void stored.push(fresh) },
    });
    assert.deepEqual(await client.query(whoAmI), [{ 'user/email': 'ada@example.com' }]);
    assert.equal(stored.length, 1);
  });

  test('a revoked refresh token ends in REFRESH_FAILED, and its access token stops working', async () => {
    const tokens = await allow();
    await revokeToken(app, tokens.refreshToken!, `${bench.base}/oauth2/revoke`);
    const client = createClient({ url: bench.base, oauth: { ...app, ...tokens, expiresAt: Date.now() - 1 } });
    await assert.rejects(
      client.query(whoAmI),
      (error: unknown) => error instanceof WeftHttpError && error.code === 'REFRESH_FAILED',
    );
    const stale = createClient({ url: bench.base, oauth: { ...app, accessToken: tokens.accessToken } });
    await assert.rejects(
      stale.query(whoAmI),
      (error: unknown) => error instanceof WeftHttpError && error.status === 401,
    );
  });

  test('a callback with another state, another issuer or an error is refused', () => {
    const base = `${REDIRECT_URI}?code=c&state=s&iss=${encodeURIComponent('https://weft.example.com')}`;
    assert.equal(parseCallback(base, { state: 's', issuer: 'https://weft.example.com' }), 'c');
    const refused = (url: string, code: string) =>
      assert.throws(
        () => parseCallback(url, { state: 's', issuer: 'https://weft.example.com' }),
        (error: unknown) => error instanceof WeftHttpError && error.code === code,
      );
    refused(base.replace('state=s', 'state=t'), 'OAUTH_STATE_MISMATCH');
    refused(base.replace('weft.example.com', 'evil.example.com'), 'OAUTH_ISSUER_MISMATCH');
    refused(
      `${REDIRECT_URI}?error=access_denied&state=s&iss=${encodeURIComponent('https://weft.example.com')}`,
      'OAUTH_ACCESS_DENIED',
    );
  });
});
