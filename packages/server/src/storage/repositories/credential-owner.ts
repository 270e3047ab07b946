import type { CredentialOwner } from '../contract.ts';
import { toUser, type UserRow } from './account-repository.ts';

/**
 * The columns and joins that read a credential's owner in the same statement as the credential:
 * `FROM <credential table> c ${OWNER_JOINS}` with `${OWNER_COLUMNS}` selected.
 */
export const OWNER_COLUMNS = `
  u.id AS user_id, u.public_id, u.workspace_id, u.account_id, a.email, a.name, u.role, u.active,
  u.created_at AS user_created_at, u.updated_at AS user_updated_at, a.password_changed_at`;

export const OWNER_JOINS = `
  JOIN workspace_users u ON u.id = c.workspace_user_id
  JOIN accounts a ON a.id = u.account_id`;

export interface OwnerRow extends Omit<UserRow, 'id' | 'created_at' | 'updated_at'> {
  user_id: string;
  user_created_at: number;
  user_updated_at: number;
  password_changed_at: number | null;
}

export function toCredentialOwner(row: OwnerRow): CredentialOwner {
  return {
    user: toUser({
      ...row,
      id: row.user_id,
      created_at: row.user_created_at,
      updated_at: row.user_updated_at,
    }),
    passwordChangedAt: row.password_changed_at,
  };
}
