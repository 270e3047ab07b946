import type { CredentialOwner } from '../contract.ts';
import { toUser, toWorkspace, type UserRow } from './account-repository.ts';

/**
 * The columns and joins that read a credential's owner in the same statement as the credential:
 * `FROM <credential table> c ${OWNER_JOINS}` with `${OWNER_COLUMNS}` selected.
 */
export const OWNER_COLUMNS = `
  u.id AS user_id, u.public_id, u.workspace_id, u.account_id, a.email, a.name, u.role, u.active,
  u.created_at AS user_created_at, u.updated_at AS user_updated_at, a.password_changed_at,
  w.slug AS workspace_slug, w.name AS workspace_name, w.created_at AS workspace_created_at`;

export const OWNER_JOINS = `
  JOIN workspace_users u ON u.id = c.workspace_user_id
  JOIN accounts a ON a.id = u.account_id
  JOIN workspaces w ON w.id = u.workspace_id`;

export interface OwnerRow extends Omit<UserRow, 'id' | 'created_at' | 'updated_at'> {
  user_id: string;
  user_created_at: number;
  user_updated_at: number;
  password_changed_at: number | null;
  workspace_slug: string;
  workspace_name: string;
  workspace_created_at: number;
}

export function toCredentialOwner(row: OwnerRow): CredentialOwner {
  return {
    user: toUser({
      ...row,
      id: row.user_id,
      created_at: row.user_created_at,
      updated_at: row.user_updated_at,
    }),
    workspace: toWorkspace({
      id: row.workspace_id,
      slug: row.workspace_slug,
      name: row.workspace_name,
      created_at: row.workspace_created_at,
    }),
    passwordChangedAt: row.password_changed_at,
  };
}
