import type { CommandHandler } from './command-handler.ts';
import { executeQuery } from './query/compile-query.ts';
import { loadWorkspaceTypes } from './query/domain-types.ts';
import { parseQuery } from './query/parse-query.ts';

/** `fibery.entity/query`: rows of one database, as the query selects them. */
export const entityQuery: CommandHandler = {
  privilege: 'read',
  async run(args, { principal, db, limits }) {
    const { types } = await loadWorkspaceTypes(db, principal.workspace.id);
    const query = parseQuery(args, principal.user.id, limits, types);
    return executeQuery(query, db, principal.workspace.id);
  },
};
