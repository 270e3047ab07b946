import type { Session, SessionRepository } from '../contract.ts';
import type { SqlExecutor } from '../sql-driver.ts';
import { OWNER_COLUMNS, OWNER_JOINS, type OwnerRow, toCredentialOwner } from './credential-owner.ts';

interface SessionRow {
  id: string;
  workspace_user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

const SESSION_COLUMNS = 'c.id, c.workspace_user_id, c.csrf_token, c.created_at, c.last_seen_at, c.expires_at';

const toSession = (row: SessionRow): Session => ({
  id: row.id,
  workspaceUserId: row.workspace_user_id,
  csrfToken: row.csrf_token,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  expiresAt: row.expires_at,
});

export function createSessionRepository(db: SqlExecutor): SessionRepository {
  return {
    async createSession(session) {
      await db.run(
        `INSERT INTO sessions (id, secret_hash, workspace_user_id, csrf_token, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          session.id,
          session.secretHash,
          session.workspaceUserId,
          session.csrfToken,
          session.createdAt,
          session.lastSeenAt,
          session.expiresAt,
        ],
      );
      const { secretHash: _, ...stored } = session;
      return stored;
    },

    async findSessionBySecretHash(secretHash) {
      const [row] = await db.query<SessionRow & OwnerRow>(
        `SELECT ${SESSION_COLUMNS}, ${OWNER_COLUMNS} FROM sessions c ${OWNER_JOINS} WHERE c.secret_hash = $1`,
        [secretHash],
      );
      return row ? { session: toSession(row), owner: toCredentialOwner(row) } : null;
    },

    async touchSession(sessionId, at) {
      await db.run('UPDATE sessions SET last_seen_at = $1 WHERE id = $2', [at, sessionId]);
    },

    async deleteSession(sessionId) {
      await db.run('DELETE FROM sessions WHERE id = $1', [sessionId]);
    },

    deleteExpiredSessions: (now, idleSince) =>
      db.run('DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2', [now, idleSince]),
  };
}
