import type { Account, AccountRepository, Role, Workspace, WorkspaceUser } from '../contract.ts';
import { normalizeEmail } from '../contract.ts';
import type { SqlExecutor } from '../sql-driver.ts';

interface WorkspaceRow {
  id: string;
  slug: string;
  name: string;
  created_at: number;
  rate_limit: number | null;
}

interface AccountRow {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  password_changed_at: number | null;
  created_at: number;
}

export interface UserRow {
  id: string;
  public_id: number;
  workspace_id: string;
  account_id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean | number;
  created_at: number;
  updated_at: number;
}

const toWorkspace = (row: WorkspaceRow): Workspace => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  createdAt: row.created_at,
  rateLimit: row.rate_limit === null || row.rate_limit === undefined ? null : Number(row.rate_limit),
});

const toAccount = (row: AccountRow): Account => ({
  id: row.id,
  email: row.email,
  name: row.name,
  passwordHash: row.password_hash,
  passwordChangedAt: row.password_changed_at,
  createdAt: row.created_at,
});

export const toUser = (row: UserRow): WorkspaceUser => ({
  id: row.id,
  publicId: row.public_id,
  workspaceId: row.workspace_id,
  accountId: row.account_id,
  email: row.email,
  name: row.name,
  role: row.role,
  active: Boolean(row.active),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const WORKSPACE_COLUMNS = 'id, slug, name, created_at, rate_limit';
const ACCOUNT_COLUMNS = 'id, email, name, password_hash, password_changed_at, created_at';
const USER_SELECT = `
  SELECT u.id, u.public_id, u.workspace_id, u.account_id, a.email, a.name, u.role, u.active, u.created_at, u.updated_at
  FROM workspace_users u JOIN accounts a ON a.id = u.account_id`;

export function createAccountRepository(db: SqlExecutor): AccountRepository {
  const first = async <Row, T>(map: (row: Row) => T, sql: string, params: (string | number | boolean)[]) => {
    const [row] = await db.query<Row>(sql, params);
    return row ? map(row) : null;
  };

  return {
    createWorkspace: (w) =>
      first(
        toWorkspace,
        `INSERT INTO workspaces (id, slug, name, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (slug) DO NOTHING RETURNING ${WORKSPACE_COLUMNS}`,
        [w.id, w.slug, w.name, w.createdAt],
      ),

    getWorkspaceBySlug: (slug) =>
      first(toWorkspace, `SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE slug = $1`, [slug]),

    getWorkspaceById: (id) =>
      first(toWorkspace, `SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE id = $1`, [id]),

    async listAccountWorkspaces(accountId) {
      const rows = await db.query<WorkspaceRow>(
        `SELECT ${WORKSPACE_COLUMNS.split(', ')
          .map((c) => `w.${c}`)
          .join(', ')} FROM workspaces w
         JOIN workspace_users u ON u.workspace_id = w.id WHERE u.account_id = $1 AND u.active ORDER BY w.slug`,
        [accountId],
      );
      return rows.map(toWorkspace);
    },

    async setWorkspaceRateLimit(workspaceId, limit) {
      await db.run('UPDATE workspaces SET rate_limit = $1 WHERE id = $2', [limit, workspaceId]);
    },

    async listWorkspaces() {
      const rows = await db.query<WorkspaceRow>(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces ORDER BY slug`);
      return rows.map(toWorkspace);
    },

    createAccount: (a) =>
      first(
        toAccount,
        `INSERT INTO accounts (id, email, email_normalized, name, password_hash, password_changed_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (email_normalized) DO NOTHING RETURNING ${ACCOUNT_COLUMNS}`,
        [
          a.id,
          a.email,
          normalizeEmail(a.email),
          a.name,
          a.passwordHash,
          a.passwordChangedAt,
          a.createdAt,
        ] as (string | number)[],
      ),

    getAccountByEmail: (email) =>
      first(toAccount, `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE email_normalized = $1`, [
        normalizeEmail(email),
      ]),

    getAccountById: (id) => first(toAccount, `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [id]),

    async updateAccountPassword(accountId, passwordHash, at) {
      await db.run('UPDATE accounts SET password_hash = $1, password_changed_at = $2 WHERE id = $3', [
        passwordHash,
        at,
        accountId,
      ]);
    },

    async createWorkspaceUser({ id, workspaceId, accountId, role, at }) {
      // The row update also serialises concurrent creations in one workspace on PostgreSQL.
      const [sequence] = await db.query<{ user_sequence: number }>(
        'UPDATE workspaces SET user_sequence = user_sequence + 1 WHERE id = $1 RETURNING user_sequence',
        [workspaceId],
      );
      if (!sequence) return null;
      const inserted = await db.run(
        `INSERT INTO workspace_users (id, workspace_id, account_id, public_id, role, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)
         ON CONFLICT (workspace_id, account_id) DO NOTHING`,
        [id, workspaceId, accountId, sequence.user_sequence, role, at],
      );
      if (inserted === 0) return null;
      return first(toUser, `${USER_SELECT} WHERE u.id = $1`, [id]);
    },

    getWorkspaceUser: (workspaceId, userId) =>
      first(toUser, `${USER_SELECT} WHERE u.workspace_id = $1 AND u.id = $2`, [workspaceId, userId]),

    getWorkspaceUserByEmail: (workspaceId, email) =>
      first(toUser, `${USER_SELECT} WHERE u.workspace_id = $1 AND a.email_normalized = $2`, [
        workspaceId,
        normalizeEmail(email),
      ]),

    async listWorkspaceUsers(workspaceId) {
      const rows = await db.query<UserRow>(`${USER_SELECT} WHERE u.workspace_id = $1 ORDER BY u.public_id`, [
        workspaceId,
      ]);
      return rows.map(toUser);
    },

    async updateWorkspaceUser(workspaceId, userId, { role, active }, at) {
      const changed = await db.run(
        `UPDATE workspace_users SET role = COALESCE($1, role), active = COALESCE($2, active), updated_at = $3
         WHERE workspace_id = $4 AND id = $5`,
        [role ?? null, active ?? null, at, workspaceId, userId],
      );
      if (changed === 0) return null;
      return first(toUser, `${USER_SELECT} WHERE u.workspace_id = $1 AND u.id = $2`, [workspaceId, userId]);
    },
  };
}
