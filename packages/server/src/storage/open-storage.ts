import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Clock } from '../clock.ts';
import type { Storage } from './contract.ts';
import { createPostgresDriver } from './postgres/index.ts';
import type { SqlDriver } from './sql-driver.ts';
import { createSqlStorage } from './sql-storage.ts';
import type { SqliteSynchronous } from './sqlite/index.ts';
import { createSqliteDriver } from './sqlite/index.ts';

/** Storage could not be opened: the message says which option to look at and how to fix it. */
export class StorageUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageUnavailableError';
  }
}

export interface StorageOptions {
  dataDir: string;
  databaseUrl: string | undefined;
  /** How long work waits for the database before DatabaseBusyError. */
  databaseWaitLimitMs?: number;
  databasePoolSize?: number;
  databaseWorkspaceConnections?: number;
  databaseStatementTimeoutMs?: number;
  sqliteSynchronous?: SqliteSynchronous;
}

/** The SQLite file inside the data dir. */
export function sqlitePath(dataDir: string): string {
  return join(resolve(dataDir), 'weft.sqlite');
}

/** `postgres://user@host:port/db`, with any password left out, for messages. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  parsed.search = '';
  return parsed.toString();
}

function openSqlite({ dataDir, databaseWaitLimitMs, sqliteSynchronous }: StorageOptions): SqlDriver {
  const folder = resolve(dataDir);
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
    return createSqliteDriver(sqlitePath(dataDir), {
      waitLimitMs: databaseWaitLimitMs,
      synchronous: sqliteSynchronous,
    });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new StorageUnavailableError(
      `WEFT_DATA_DIR ${folder} is not a writable folder (${reason}): choose another with WEFT_DATA_DIR or --data-dir, or fix its permissions.`,
    );
  }
}

/**
 * Opens the storage the options select (PostgreSQL when DATABASE_URL is set, SQLite otherwise),
 * checks that it answers and applies pending migrations. Resolves with the storage and the ids of
 * the migrations this call applied.
 */
export async function openStorage(
  options: StorageOptions,
  clock: Clock = Date,
): Promise<{ storage: Storage; applied: string[] }> {
  const driver = options.databaseUrl
    ? createPostgresDriver(options.databaseUrl, {
        poolSize: options.databasePoolSize,
        waitLimitMs: options.databaseWaitLimitMs,
        keyConnections: options.databaseWorkspaceConnections,
        statementTimeoutMs: options.databaseStatementTimeoutMs,
      })
    : openSqlite(options);
  const storage = createSqlStorage(driver, clock);
  try {
    await storage.ping();
  } catch (error) {
    await storage.close().catch(() => {});
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    if (options.databaseUrl) {
      throw new StorageUnavailableError(
        `Cannot reach PostgreSQL at ${describeDatabaseUrl(options.databaseUrl)} (DATABASE_URL): ${reason}. Check that it is running and that the URL is right.`,
      );
    }
    throw new StorageUnavailableError(
      `Cannot open SQLite in WEFT_DATA_DIR ${resolve(options.dataDir)}: ${reason}.`,
    );
  }
  try {
    const applied = await storage.migrate();
    return { storage, applied };
  } catch (error) {
    await storage.close().catch(() => {});
    throw error;
  }
}
