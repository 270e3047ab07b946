import type { CommandHandler } from '../core/index.ts';
import { loadWorkspaceTypes } from '../model/index.ts';
import { executeQuery } from './execute-query.ts';
import { parseQuery } from './parse-query.ts';

/** `fibery.entity/query`: rows of one database, as the query selects them. */
export const entityQuery: CommandHandler = {
  privilege: 'read',
  async run(args, { principal, db, limits }) {
    const { types } = await loadWorkspaceTypes(db, principal.workspace.id);
    const query = parseQuery(args, principal.user.id, limits, types);
    return executeQuery(query, db, principal.workspace.id);
  },
};
