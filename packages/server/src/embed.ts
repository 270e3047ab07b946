/**
 * A Weft inside another program's process, for integration tests (`@weft/testing`): a fresh
 * in-memory SQLite workspace with an administrator and an API token, listening on a free port of
 * 127.0.0.1. Nothing touches the disk; `stop()` closes the server and forgets everything.
 */
import { createApp } from './app.ts';
import { type CommandContext, commandLimits, runCommand } from './commands/index.ts';
import { createConfig } from './config/index.ts';
import { createLogger } from './http/index.ts';
import { createSqliteDriver, createSqlStorage } from './storage/index.ts';

export interface EmbeddedOptions {
  /** The workspace's slug. Default `test`. */
  workspace?: string;
  /** Rate limits per credential and per workspace, per second; 0 turns one off. Default Fibery's 3 and 7. */
  limits?: { token?: number; workspace?: number };
  /** Batches of commands the administrator runs before the server listens (no rate limits apply). */
  setup?: unknown[][];
}

export async function startEmbedded({
  workspace: slug = 'test',
  limits = {},
  setup = [],
}: EmbeddedOptions = {}) {
  const storage = createSqlStorage(createSqliteDriver(':memory:'));
  await storage.migrate();
  const config = createConfig({
    port: 0,
    dataDir: ':memory:',
    baseDomain: 'localhost',
    defaultWorkspace: slug,
    rateLimitToken: limits.token ?? 3,
    rateLimitWorkspace: limits.workspace ?? 7,
    logLevel: 'silent',
  });
  const app = await createApp({ config, storage, logger: createLogger('silent') });
  const { accounts, tokens } = app.weft.auth;
  const workspace = await accounts.createWorkspace({ slug });
  // No password: an embedded workspace is reached with its token.
  const { user: admin } = await accounts.createUser({
    workspace: slug,
    email: 'admin@example.com',
    name: 'Admin',
    role: 'admin',
    password: null,
  });
  const { value: token } = await tokens.createToken(admin);
  try {
    await runSetup(setup, {
      principal: { workspace, user: admin, role: 'admin', credential: { kind: 'token', id: 'setup' } },
      db: storage,
      limits: commandLimits(config),
      clock: Date,
      log: { log: app.log, requestId: 'setup' },
    });
  } catch (error) {
    await app.close();
    await storage.close();
    throw error;
  }
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    token,
    admin: { id: admin.id, email: admin.email, name: admin.name },
    workspace,
    async stop() {
      await app.close();
      await storage.close();
    },
  };
}

/** Runs each batch of setup commands as one `fibery.command/batch`; throws at the first that fails. */
async function runSetup(setup: unknown[][], context: CommandContext) {
  for (const [i, batch] of setup.entries()) {
    const envelope = await runCommand(
      { command: 'fibery.command/batch', args: { commands: batch } },
      context,
      context.log,
    );
    if (!envelope.success) {
      const { name, message } = envelope.result;
      throw new Error(`Setup batch ${i + 1} failed: ${name}: ${message}`);
    }
  }
}
