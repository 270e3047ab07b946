/**
 * The databases a contract test runs against: SQLite always, PostgreSQL when WEFT_TEST_DATABASE_URL
 * is set. Every `open()` gets storage of its own (a temp folder, or a fresh PostgreSQL schema), so
 * tests never see each other's data, in one run or across parallel runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStorage, type Storage, type StorageOptions } from '../../src/storage/index.ts';

export interface Place {
  /** What `openStorage` takes, also as env for a spawned `weft`. */
  dataDir: string;
  databaseUrl: string | undefined;
  env: Record<string, string>;
  /** Removes the folder or drops the schema. */
  drop(): Promise<void>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A reason to skip, when the backend is not configured. */
  skip: string | false;
  /** A fresh, empty place to keep data. */
  createPlace(): Promise<Place>;
}

export interface OpenedStorage {
  storage: Storage;
  place: Place;
  close(): Promise<void>;
}

const TEST_DATABASE_URL = process.env.WEFT_TEST_DATABASE_URL;

/** The folders tempDir() made, removed when the test process exits (tests need not drop them). */
const madeDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'weft-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.add(dir);
  return dir;
}

const sqlite: Backend = {
  name: 'sqlite',
  skip: false,
  async createPlace() {
    const dataDir = tempDir();
    return {
      dataDir,
      databaseUrl: undefined,
      env: { WEFT_DATA_DIR: dataDir },
      async drop() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: Backend = {
  name: 'postgres',
  skip: TEST_DATABASE_URL ? false : 'WEFT_TEST_DATABASE_URL is not set: PostgreSQL tests skipped',
  async createPlace() {
    const schema = `weft_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = new URL(TEST_DATABASE_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const databaseUrl = url.toString();
    const dataDir = tempDir();
    return {
      dataDir,
      databaseUrl,
      env: { WEFT_DATA_DIR: dataDir, DATABASE_URL: databaseUrl },
      async drop() {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA ${schema} CASCADE`);
        await client.end();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

export const backends: readonly Backend[] = [sqlite, postgres];

/** Migrated storage in a fresh place of `backend`, with the options given. */
export async function openTestStorage(
  backend: Backend,
  options: Partial<StorageOptions> = {},
): Promise<OpenedStorage> {
  const place = await backend.createPlace();
  const { storage } = await openStorage({ ...options, ...place });
  return {
    storage,
    place,
    async close() {
      await storage.close();
      await place.drop();
    },
  };
}
