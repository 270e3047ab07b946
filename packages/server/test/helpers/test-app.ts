import type { FastifyInstance } from 'fastify';
import { createApp } from '../../src/app.ts';
import type { AccountsService } from '../../src/auth/accounts/index.ts';
import type { TokensService } from '../../src/auth/tokens/index.ts';
import { type Config, createConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/http/logger.ts';
import type { Storage } from '../../src/storage/index.ts';
import { type Backend, openTestStorage } from './backends.ts';

export interface TestApp {
  app: FastifyInstance;
  storage: Storage;
  accounts: AccountsService;
  tokens: TokensService;
  config: Config;
  /** Log lines written so far, when `captureLogs` was set. */
  logs: string[];
  close(): Promise<void>;
}

export async function startTestApp(
  backend: Backend,
  {
    config: overrides = {},
    captureLogs = false,
    configure,
    clock = Date,
    monotonicClock,
  }: {
    config?: Partial<Config>;
    captureLogs?: boolean;
    /** Adds routes before the app is ready. */
    configure?: (app: FastifyInstance) => void;
    clock?: { now(): number };
    /** The monotonic clock of rate limits and command time limits, in ms. */
    monotonicClock?: () => number;
  } = {},
): Promise<TestApp> {
  // The storage options the test sets go to the storage, as a server started with them would do.
  const { databaseWaitLimitMs, databasePoolSize, databaseWorkspaceConnections, databaseStatementTimeoutMs } =
    overrides;
  const opened = await openTestStorage(backend, {
    databaseWaitLimitMs,
    databasePoolSize,
    databaseWorkspaceConnections,
    databaseStatementTimeoutMs,
  });
  // The config names the place the storage really lives in, as a server started on it would.
  const config = createConfig({
    dataDir: opened.place.dataDir,
    databaseUrl: opened.place.databaseUrl,
    // Rate limits are off unless a test turns them on: most tests send many requests at once.
    rateLimitToken: 0,
    rateLimitWorkspace: 0,
    ...overrides,
  });
  const logs: string[] = [];
  const logger = captureLogs
    ? createLogger('info', { write: (line: string) => void logs.push(line) })
    : createLogger('silent');
  let app: FastifyInstance;
  try {
    app = await createApp({
      config,
      storage: opened.storage,
      logger,
      clock,
      ...(monotonicClock ? { monotonicClock } : {}),
    });
  } catch (error) {
    await opened.close();
    throw error;
  }
  configure?.(app);
  await app.ready();
  // The app's own services, so a test acts through exactly what the routes use.
  const { accounts, tokens } = app.weft.auth;
  return {
    app,
    storage: opened.storage,
    accounts,
    tokens,
    config,
    logs,
    async close() {
      await app.close();
      await opened.close();
    },
  };
}

/** A clock for tests: starts at a fixed time and moves only when told. */
export function createTestClock(start = 1_800_000_000_000) {
  const clock = {
    time: start,
    now: () => clock.time,
    advance(ms: number) {
      clock.time += ms;
    },
  };
  return clock;
}

/** A member of `workspace` (created if missing) and a fresh API token of theirs. */
export async function memberWithToken(t: TestApp, workspace: string, email: string) {
  if (!(await t.storage.getWorkspaceBySlug(workspace))) await t.accounts.createWorkspace({ slug: workspace });
  const { user } = await t.accounts.createUser({
    workspace,
    email,
    name: email.split('@')[0]!,
    role: 'member',
    password: 'long-password',
  });
  return { user, token: (await t.tokens.createToken(user)).value };
}

let workspaces = 0;

/**
 * A new workspace of its own in `t`, with an admin, a member and an observer and an API token each:
 * what a test needs to stand alone, cheaply (no password hashing), so that every test may have one.
 */
export async function freshWorkspace(t: TestApp, prefix = 'w') {
  const slug = `${prefix}${++workspaces}-${Math.random().toString(36).slice(2, 8)}`;
  const workspace = await t.accounts.createWorkspace({ slug });
  const tokens: Record<'admin' | 'member' | 'observer', string> = { admin: '', member: '', observer: '' };
  for (const role of ['admin', 'member', 'observer'] as const) {
    const { user } = await t.accounts.createUser({
      workspace: slug,
      email: `${role}@${slug}.example.com`,
      name: role,
      role,
      password: null,
    });
    tokens[role] = (await t.tokens.createToken(user)).value;
  }
  return { workspace, tokens };
}
