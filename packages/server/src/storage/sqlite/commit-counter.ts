import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';

/** The first copy of the WAL-index header: https://www.sqlite.org/walformat.html#the_wal_index_header */
const WAL_INDEX_HEADER_BYTES = 48;

/**
 * The `-shm` files this process reads, one descriptor per file (by device and inode) however many
 * drivers share it. Closing any descriptor of a file drops every POSIX lock the process holds on it,
 * SQLite's own included, so a descriptor is closed only after the last driver of its file has closed
 * its connections.
 */
const shmFiles = new Map<string, { fd: number; users: number }>();

function openShm(path: string): { fd: number; release(): void } | null {
  let key: string;
  try {
    const { dev, ino } = statSync(path);
    key = `${dev}:${ino}`;
  } catch {
    return null;
  }
  let file = shmFiles.get(key);
  if (!file) {
    file = { fd: openSync(path, 'r'), users: 0 };
    shmFiles.set(key, file);
  }
  file.users++;
  const shared = file;
  return {
    fd: file.fd,
    release() {
      if (--shared.users > 0) return;
      shmFiles.delete(key);
      closeSync(shared.fd);
    },
  };
}

/**
 * A number that moves whenever a connection has committed, asked on every API request (the token
 * cache and the schema cache each ask). `PRAGMA data_version` answers it with a read transaction,
 * which takes and drops SQLite's shared locks with `fcntl`: 1.7 µs on an idle machine and several
 * times that under load. In WAL mode every commit rewrites the WAL-index header at the start of the
 * `-shm` file (its frame count and checksums move, and its salts when the WAL restarts), so one
 * `pread` of it (0.5 µs) tells the same without a lock: an unchanged header means no commit since.
 * A header read while a writer rewrites it only looks changed, which costs a re-read, never a stale
 * answer. Outside WAL mode (an in-memory database) the pragma is used, on `db`, which must then stay
 * open. `release` runs after the connections have closed.
 */
export function createCommitCounter(
  db: Database.Database,
  filename: string,
  wal: boolean,
): { read(): number; release(): void } {
  const pragma = db.prepare('PRAGMA data_version').pluck();
  const fallback = { read: () => pragma.get() as number, release() {} };
  // Only a database in WAL mode has a live -shm file (one left from an earlier WAL run would never move).
  if (!wal) return fallback;
  pragma.get(); // a first read opens the WAL and creates the -shm file
  const shm = openShm(`${filename}-shm`);
  if (!shm) return fallback;
  const header = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
  const seen = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
  let commits = 0;
  return {
    read() {
      readSync(shm.fd, header, 0, WAL_INDEX_HEADER_BYTES, 0);
      if (!header.equals(seen)) {
        header.copy(seen);
        commits++;
      }
      return commits;
    },
    release: shm.release,
  };
}
