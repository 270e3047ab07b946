// The server side of bench/auth.bench.ts: a real Weft app on SQLite with one user and one token, plus
// pairs of routes that differ only in authentication. Prints one JSON line: { url, token }.
import { createApp } from '../packages/server/src/app.ts';
import { formatToken } from '../packages/server/src/auth/tokens/index.ts';
import { tokenSchema } from '../packages/server/src/auth/tokens/token-routes.ts';
import { loadConfig } from '../packages/server/src/config/index.ts';
import { createLogger } from '../packages/server/src/http/logger.ts';
import { openStorage } from '../packages/server/src/storage/index.ts';

const { storage } = await openStorage({ dataDir: process.env.WEFT_DATA_DIR!, databaseUrl: undefined });
// Options from the environment (the benches set the rate limits this way).
const app = await createApp({
  config: loadConfig({ env: process.env }),
  storage,
  logger: createLogger('silent'),
});
const { auth, resolveWorkspace } = app.weft;
await auth.accounts.createWorkspace({ slug: 'demo' });
const { user } = await auth.accounts.createUser({
  workspace: 'demo',
  email: 'bench@example.com',
  name: 'Bench',
  role: 'member',
});
const { value } = await auth.tokens.createToken(user);

// A no-op route, the strictest baseline: all that differs is authentication.
const reply = { ok: true };
app.get('/bench/open', async () => reply);
app.get('/bench/authed', { onRequest: [resolveWorkspace, auth.requireAuth] }, async () => reply);
// `GET /api/tokens` itself against the same handler (same user, same query) with no authentication.
app.get(
  '/bench/tokens-open',
  { schema: { response: { 200: { type: 'array', items: tokenSchema } } } },
  async () => (await auth.tokens.listTokens(user)).map(formatToken),
);
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url, token: value })}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  await storage.close();
});
