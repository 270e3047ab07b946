import type { CommandHandler } from './command-handler.ts';
import { compileQuery, shapeRows } from './query/compile-query.ts';
import { parseQuery } from './query/parse-query.ts';

/** `fibery.entity/query`: rows of one database, as the query selects them. */
export const entityQuery: CommandHandler = {
  privilege: 'read',
  async run(args, { principal, db, limits }) {
    const query = parseQuery(args, principal.user.id, limits);
    const { sql, params } = compileQuery(query, principal.workspace.id, db.dialect);
    return shapeRows(query, await db.queryRows(sql, params));
  },
};
