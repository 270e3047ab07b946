import type { ApiToken, Role, TokenRepository } from '../contract.ts';
import { sqlDialect } from '../dialects/index.ts';
import type { SqlExecutor } from '../sql-driver.ts';

interface TokenRow {
  id: string;
  workspace_user_id: string;
  display: string;
  description: string | null;
  created_at: number;
  last_used_at: number | null;
}

interface TokenUserRow {
  workspace_id: string;
  account_id: string;
  public_id: number;
  role: Role;
  active: boolean | number;
}

const TOKEN_COLUMNS = 'c.id, c.workspace_user_id, c.display, c.description, c.created_at, c.last_used_at';

const toToken = (row: TokenRow): ApiToken => ({
  id: row.id,
  workspaceUserId: row.workspace_user_id,
  display: row.display,
  description: row.description,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

export function createTokenRepository(db: SqlExecutor): TokenRepository {
  return {
    async createApiTokenWithinLimit(token, limit) {
      // Two creations for one user take turns, so neither sees a count the other is changing.
      const lock = sqlDialect(db.dialect).lockRow('workspace_users');
      if (lock) await db.query(lock, [token.workspaceUserId]);
      const [count] = await db.query<{ n: number }>(
        'SELECT count(*) AS n FROM api_tokens WHERE workspace_user_id = $1',
        [token.workspaceUserId],
      );
      if (Number(count?.n ?? 0) >= limit) return null;
      await db.run(
        `INSERT INTO api_tokens (id, secret_hash, workspace_user_id, display, description, created_at, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL)`,
        [
          token.id,
          token.secretHash,
          token.workspaceUserId,
          token.display,
          token.description,
          token.createdAt,
        ],
      );
      const { secretHash: _, ...stored } = token;
      return { ...stored, lastUsedAt: null };
    },

    async listApiTokens(workspaceUserId) {
      const rows = await db.query<TokenRow>(
        `SELECT ${TOKEN_COLUMNS} FROM api_tokens c WHERE c.workspace_user_id = $1 ORDER BY c.created_at, c.id`,
        [workspaceUserId],
      );
      return rows.map(toToken);
    },

    async deleteApiToken(workspaceUserId, tokenId) {
      const deleted = await db.run('DELETE FROM api_tokens WHERE workspace_user_id = $1 AND id = $2', [
        workspaceUserId,
        tokenId,
      ]);
      return deleted > 0;
    },

    async findWorkspaceApiTokenIds(workspaceId, display) {
      const rows = await db.query<{ id: string }>(
        'SELECT c.id FROM api_tokens c JOIN workspace_users u ON u.id = c.workspace_user_id WHERE u.workspace_id = $1 AND c.display = $2',
        [workspaceId, display],
      );
      return rows.map((row) => row.id);
    },

    async deleteWorkspaceApiToken(workspaceId, tokenId) {
      const deleted = await db.run(
        'DELETE FROM api_tokens WHERE id = $1 AND workspace_user_id IN (SELECT id FROM workspace_users WHERE workspace_id = $2)',
        [tokenId, workspaceId],
      );
      return deleted > 0;
    },

    async findApiTokenBySecretHash(secretHash) {
      // The hot path of every token request: the token and its user's current role and state, two
      // index searches. The workspace is the request's own (checked against workspace_id).
      const [row] = await db.query<TokenRow & TokenUserRow>(
        `SELECT ${TOKEN_COLUMNS}, u.workspace_id, u.account_id, u.public_id, u.role, u.active
         FROM api_tokens c JOIN workspace_users u ON u.id = c.workspace_user_id WHERE c.secret_hash = $1`,
        [secretHash],
      );
      if (!row) return null;
      return {
        token: toToken(row),
        user: {
          id: row.workspace_user_id,
          workspaceId: row.workspace_id,
          accountId: row.account_id,
          publicId: row.public_id,
          role: row.role,
          active: Boolean(row.active),
        },
      };
    },

    async touchApiToken(tokenId, at) {
      await db.run('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [at, tokenId]);
    },
  };
}
