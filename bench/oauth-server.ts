// The server side of bench/oauth.bench.ts: a real Weft app on SQLite with one member (a password and
// an API token) and one registered OAuth app, its issuer the address it listens on. Prints one JSON
// line: { url, token, clientId, clientSecret, redirectUri, email, password }.
import { createServer } from 'node:net';
import { createApp } from '../packages/server/src/app.ts';
import { loadConfig } from '../packages/server/src/config/index.ts';
import { createLogger } from '../packages/server/src/http/logger.ts';
import { openStorage } from '../packages/server/src/storage/index.ts';

// The issuer must be known before the app is built: take a free port first.
const probe = createServer();
await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
const { port } = probe.address() as { port: number };
await new Promise((resolve) => probe.close(resolve));
const url = `http://127.0.0.1:${port}`;

const { storage } = await openStorage({ dataDir: process.env.WEFT_DATA_DIR!, databaseUrl: undefined });
const app = await createApp({
  config: loadConfig({ env: { ...process.env, WEFT_PUBLIC_URL: url, WEFT_ISSUER: url } }),
  storage,
  logger: createLogger('silent'),
});
const { auth } = app.weft;
await auth.accounts.createWorkspace({ slug: 'demo' });
const password = 'bench-password-1';
const { user } = await auth.accounts.createUser({
  workspace: 'demo',
  email: 'bench@example.com',
  name: 'Bench',
  role: 'member',
  password,
});
const { value } = await auth.tokens.createToken(user);
const redirectUri = 'http://127.0.0.1:9/callback';
const { client, secret } = await auth.oauth.clients.create({ name: 'Bench', redirectUris: [redirectUri] });
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(
  `${JSON.stringify({ url, token: value, clientId: client.id, clientSecret: secret, redirectUri, email: 'bench@example.com', password })}\n`,
);
process.on('SIGTERM', async () => {
  await app.close();
  await storage.close();
});
