/**
 * The workspace schema in Fibery's shape (`fibery.schema/query`, `GET /api/schema`), described from
 * the same type model the query compiler uses, so the two cannot disagree. Built-in types and fields
 * get ids derived from their names, stable across servers and restarts; domain types their stored ids.
 */
import { createHash } from 'node:crypto';
import type { Repositories } from '../storage/index.ts';
import type { CommandHandler } from './command-handler.ts';
import { loadWorkspaceTypes } from './query/domain-types.ts';

/** A UUID-shaped id derived from a name (name-based, RFC 9562 §5.8 layout). */
function stableId(name: string): string {
  const hex = createHash('sha256').update(`weft:${name}`).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The workspace's schema; `fibery/version` moves with every schema change. */
export async function describeSchema(db: Repositories, workspaceId: string) {
  const { version, types } = await loadWorkspaceTypes(db, workspaceId);
  return {
    'fibery/id': stableId(`schema:${workspaceId}`),
    'fibery/version': version,
    'fibery/meta': { 'fibery/maintenance?': false },
    'fibery/types': Object.values(types).map((type) => ({
      'fibery/name': type.name,
      'fibery/id': type.domain?.id ?? stableId(`type:${type.name}`),
      'fibery/deleted?': false,
      'fibery/meta': type.meta,
      'fibery/fields': Object.entries(type.fields).map(([name, field]) => ({
        'fibery/name': name,
        'fibery/type': field.fiberyType,
        'fibery/id': stableId(`field:${type.name}:${name}`),
        'fibery/deleted?': false,
        'fibery/meta': field.meta,
      })),
    })),
  };
}

/** `fibery.schema/query`: args optional (`with-description?` is accepted; there are no descriptions yet). */
export const schemaQuery: CommandHandler = {
  privilege: 'read',
  async run(_args, { db, principal }) {
    return describeSchema(db, principal.workspace.id);
  },
};
