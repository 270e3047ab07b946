import type {
  OAuthArtifact,
  OAuthAuthorization,
  OAuthClient,
  OAuthKey,
  OAuthRepository,
  Role,
} from '../contract.ts';
import type { SqlExecutor } from '../sql-driver.ts';

interface ClientRow {
  id: string;
  name: string;
  secret_hash: string | null;
  redirect_uris: string;
  created_at: number | string;
}

interface ArtifactRow {
  model: string;
  id_hash: string;
  payload: string;
  grant_id: string | null;
  account_id: string | null;
  client_id: string | null;
  uid: string | null;
  expires_at: number | string | null;
  consumed_at: number | string | null;
}

const orNull = (value: number | string | null) => (value === null ? null : Number(value));

const toClient = (row: ClientRow): OAuthClient => ({
  id: row.id,
  name: row.name,
  secretHash: row.secret_hash,
  redirectUris: JSON.parse(row.redirect_uris),
  createdAt: Number(row.created_at),
});

const toArtifact = (row: ArtifactRow): OAuthArtifact => ({
  model: row.model,
  idHash: row.id_hash,
  payload: JSON.parse(row.payload),
  grantId: row.grant_id,
  accountId: row.account_id,
  clientId: row.client_id,
  uid: row.uid,
  expiresAt: orNull(row.expires_at),
  consumedAt: orNull(row.consumed_at),
});

const ARTIFACT_COLUMNS =
  'model, id_hash, payload, grant_id, account_id, client_id, uid, expires_at, consumed_at';
const LIVE = '(expires_at IS NULL OR expires_at > $3)';

export function createOAuthRepository(db: SqlExecutor): OAuthRepository {
  const oneArtifact = async (sql: string, params: (string | number)[]) => {
    const [row] = await db.query<ArtifactRow>(sql, params);
    return row ? toArtifact(row) : null;
  };

  return {
    async createOAuthClient(client) {
      await db.run(
        'INSERT INTO oauth_clients (id, name, secret_hash, redirect_uris, created_at) VALUES ($1, $2, $3, $4, $5)',
        [client.id, client.name, client.secretHash, JSON.stringify(client.redirectUris), client.createdAt],
      );
    },

    async getOAuthClient(id) {
      const [row] = await db.query<ClientRow>('SELECT * FROM oauth_clients WHERE id = $1', [id]);
      return row ? toClient(row) : null;
    },

    async listOAuthClients() {
      const rows = await db.query<ClientRow>('SELECT * FROM oauth_clients ORDER BY created_at, id');
      return rows.map(toClient);
    },

    async deleteOAuthClient(id) {
      await db.run('DELETE FROM oauth_artifacts WHERE client_id = $1', [id]);
      return (await db.run('DELETE FROM oauth_clients WHERE id = $1', [id])) > 0;
    },

    async setOAuthClientSecret(id, secretHash) {
      return (await db.run('UPDATE oauth_clients SET secret_hash = $1 WHERE id = $2', [secretHash, id])) > 0;
    },

    async upsertOAuthArtifact(a) {
      await db.run(
        `INSERT INTO oauth_artifacts (${ARTIFACT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (model, id_hash) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
           account_id = excluded.account_id, client_id = excluded.client_id, uid = excluded.uid,
           expires_at = excluded.expires_at, consumed_at = COALESCE(oauth_artifacts.consumed_at, excluded.consumed_at)`,
        [
          a.model,
          a.idHash,
          JSON.stringify(a.payload),
          a.grantId,
          a.accountId,
          a.clientId,
          a.uid,
          a.expiresAt,
          a.consumedAt,
        ],
      );
    },

    findOAuthArtifact: (model, idHash, now) =>
      oneArtifact(
        `SELECT ${ARTIFACT_COLUMNS} FROM oauth_artifacts WHERE model = $1 AND id_hash = $2 AND ${LIVE}`,
        [model, idHash, now],
      ),

    findOAuthArtifactByUid: (model, uid, now) =>
      oneArtifact(
        `SELECT ${ARTIFACT_COLUMNS} FROM oauth_artifacts WHERE model = $1 AND uid = $2 AND ${LIVE}`,
        [model, uid, now],
      ),

    async consumeOAuthArtifact(model, idHash, at) {
      // One statement: of two parallel redemptions, exactly one changes the row.
      const changed = await db.run(
        'UPDATE oauth_artifacts SET consumed_at = $3 WHERE model = $1 AND id_hash = $2 AND consumed_at IS NULL',
        [model, idHash, at],
      );
      return changed > 0;
    },

    async deleteOAuthArtifact(model, idHash) {
      await db.run('DELETE FROM oauth_artifacts WHERE model = $1 AND id_hash = $2', [model, idHash]);
    },

    async deleteOAuthArtifactsOfGrant(model, grantId) {
      await db.run('DELETE FROM oauth_artifacts WHERE model = $1 AND grant_id = $2', [model, grantId]);
    },

    deleteExpiredOAuthArtifacts: (now) =>
      db.run('DELETE FROM oauth_artifacts WHERE expires_at IS NOT NULL AND expires_at <= $1', [now]),

    async listOAuthAuthorizations(accountId, now) {
      const rows = await db.query<{
        client_id: string;
        name: string;
        payload: string;
        last_used_at: number | string | null;
      }>(
        `SELECT g.client_id, c.name, g.payload, g.last_used_at
         FROM oauth_artifacts g JOIN oauth_clients c ON c.id = g.client_id
         WHERE g.model = 'Grant' AND g.account_id = $1 AND (g.expires_at IS NULL OR g.expires_at > $2)
         ORDER BY c.name, c.id`,
        [accountId, now],
      );
      const byClient = new Map<string, OAuthAuthorization>();
      for (const row of rows) {
        let entry = byClient.get(row.client_id);
        if (!entry) {
          entry = { clientId: row.client_id, clientName: row.name, grants: [] };
          byClient.set(row.client_id, entry);
        }
        const payload = JSON.parse(row.payload) as Record<string, unknown>;
        const iat = typeof payload.iat === 'number' ? payload.iat * 1000 : null;
        entry.grants.push({ payload, createdAt: iat, lastUsedAt: orNull(row.last_used_at) });
      }
      return [...byClient.values()];
    },

    async revokeOAuthAuthorization(accountId, clientId) {
      const grants = await db.run(
        "DELETE FROM oauth_artifacts WHERE model = 'Grant' AND account_id = $1 AND client_id = $2",
        [accountId, clientId],
      );
      await db.run('DELETE FROM oauth_artifacts WHERE account_id = $1 AND client_id = $2', [
        accountId,
        clientId,
      ]);
      return grants;
    },

    async touchOAuthGrant(grantId, at) {
      await db.run("UPDATE oauth_artifacts SET last_used_at = $1 WHERE model = 'Grant' AND grant_id = $2", [
        at,
        grantId,
      ]);
    },

    async findOAuthBearer(idHash, workspaceId) {
      // The hot path of every Bearer request: the token, its grant (which revocation deletes), its app,
      // and the account's user in this workspace with its current role, in one statement.
      const [row] = await db.query<{
        payload: string;
        expires_at: number | string | null;
        grant_id: string;
        client_id: string;
        grant_expires_at: number | string | null;
        grant_last_used_at: number | string | null;
        user_id: string | null;
        workspace_id: string;
        account_id: string;
        public_id: number;
        role: Role;
        active: boolean | number;
      }>(
        `SELECT t.payload, t.expires_at, t.grant_id, t.client_id, g.expires_at AS grant_expires_at,
           g.last_used_at AS grant_last_used_at, u.id AS user_id, u.workspace_id, u.account_id,
           u.public_id, u.role, u.active
         FROM oauth_artifacts t
         JOIN oauth_artifacts g ON g.model = 'Grant' AND g.grant_id = t.grant_id
           AND g.client_id = t.client_id AND g.account_id = t.account_id
         JOIN oauth_clients c ON c.id = t.client_id
         LEFT JOIN workspace_users u ON u.account_id = t.account_id AND u.workspace_id = $2
         WHERE t.model = 'AccessToken' AND t.id_hash = $1`,
        [idHash, workspaceId],
      );
      if (!row) return null;
      return {
        payload: JSON.parse(row.payload),
        expiresAt: orNull(row.expires_at),
        grantId: row.grant_id,
        clientId: row.client_id,
        grantExpiresAt: orNull(row.grant_expires_at),
        grantLastUsedAt: orNull(row.grant_last_used_at),
        user: row.user_id
          ? {
              id: row.user_id,
              workspaceId: row.workspace_id,
              accountId: row.account_id,
              publicId: Number(row.public_id),
              role: row.role,
              active: Boolean(row.active),
            }
          : null,
      };
    },

    async listOAuthKeys() {
      const rows = await db.query<{ kid: string; use: 'sig' | 'cookie'; key: string; created_at: number }>(
        'SELECT kid, use, key, created_at FROM oauth_keys ORDER BY created_at DESC, kid DESC',
      );
      return rows.map((row): OAuthKey => ({ ...row, createdAt: Number(row.created_at) }));
    },

    async addOAuthKey(key) {
      await db.run('INSERT INTO oauth_keys (kid, use, key, created_at) VALUES ($1, $2, $3, $4)', [
        key.kid,
        key.use,
        key.key,
        key.createdAt,
      ]);
    },
  };
}
