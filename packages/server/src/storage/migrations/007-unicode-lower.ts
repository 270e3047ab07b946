import type { Migration } from './migration.ts';

/**
 * `weft_lower(text)`: lower case by Unicode's rules, the same on both databases, for the
 * `…-ignoring-case?` operators. PostgreSQL's own `lower` follows the database's ctype (with `C` it
 * lowers ASCII only, with `C.UTF-8` it maps "İ" otherwise than Unicode does), SQLite's lowers ASCII
 * only; so "Zoë" did not match "ZOË" on SQLite and did on PostgreSQL. Here PostgreSQL lowers with ICU
 * ("und-x-icu", in every common build), or its own `lower` where it has no ICU; SQLite's connections
 * define the function in JavaScript (sqlite-connection.ts), whose toLowerCase follows Unicode too.
 */
export const unicodeLowerMigration: Migration = {
  id: '007-unicode-lower',
  sql: 'SELECT 1;',
  sqlByDialect: {
    postgres: `
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN
          CREATE OR REPLACE FUNCTION weft_lower(value text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS $f$ SELECT lower(value COLLATE "und-x-icu") $f$;
        ELSE
          CREATE OR REPLACE FUNCTION weft_lower(value text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS $f$ SELECT lower(value) $f$;
        END IF;
      END $$;
    `,
  },
};
