/**
 * A cache of database reads that is exact: every entry belongs to the storage's `dataVersion()`, and
 * the whole cache is dropped as soon as that changes, that is on any write by this process or another.
 * Where the storage has no version (PostgreSQL) nothing is cached.
 *
 * Why not a TTL: a deleted token, a role change or a deactivation must apply to the very next request.
 * Why not per-key invalidation: writes also come from other processes (the CLI), which only the
 * version reveals.
 */
export interface VersionedCache<V> {
  /** The cached value for `key` at `version`, or undefined. */
  get(version: string | null, key: string): V | undefined;
  /** Keeps `value`, read after `version` was taken, for as long as the version stays the same. */
  set(version: string | null, key: string, value: V): void;
}

export function createVersionedCache<V>({ maxEntries = 10_000 } = {}): VersionedCache<V> {
  const entries = new Map<string, V>();
  let current: string | null = null;

  function align(version: string) {
    if (version !== current) {
      entries.clear();
      current = version;
    }
  }

  return {
    get(version, key) {
      if (version === null) return undefined;
      align(version);
      return entries.get(key);
    },
    set(version, key, value) {
      // A write between reading the version and reading `value` moves the version, which drops this
      // entry on the next get: a stale value is never served.
      if (version === null || version !== current) return;
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, value);
    },
  };
}
