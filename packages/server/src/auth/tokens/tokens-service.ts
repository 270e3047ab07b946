import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { sha256Hex } from '../../security/index.ts';
import type { ApiToken, Storage, TokenUser, Workspace } from '../../storage/index.ts';
import { createVersionedCache } from '../../storage/index.ts';
import { isPrintableText } from '../accounts/index.ts';
import { tokenErrors } from './errors.ts';
import { displayToken, isWellFormedToken, mintToken } from './token-format.ts';

export interface VerifiedToken {
  token: ApiToken;
  user: TokenUser;
}

/** `last_used_at` is written at most this often per token, so a busy token costs no write per request. */
export const LAST_USED_PRECISION_MS = 60_000;

function checkDescription(description: string | null | undefined): string | null {
  if (description === undefined || description === null) return null;
  const value = description.trim();
  if (!isPrintableText(value, 200)) {
    throw tokenErrors.INVALID_TOKEN_DESCRIPTION('A token description is at most 200 printable characters.');
  }
  return value === '' ? null : value;
}

/**
 * API tokens: minted random, shown once, stored as SHA-256 only. Verifying one costs a format and
 * checksum check, one SHA-256, and one indexed lookup unless nothing was written to the database since
 * it was last verified (a cache exact by `dataVersion`), so a deletion, a role change or a
 * deactivation, by this process or another, applies to the very next request.
 */
export function createTokensService({
  storage,
  clock,
  limit,
}: {
  storage: Storage;
  clock: Clock;
  limit: number;
}) {
  const verified = createVersionedCache<VerifiedToken>();

  /** Records the use in `last_used_at`, at most once a minute, off the request's path. */
  function noteUse(found: VerifiedToken): VerifiedToken {
    const now = clock.now();
    if (found.token.lastUsedAt === null || now - found.token.lastUsedAt >= LAST_USED_PRECISION_MS) {
      found.token.lastUsedAt = now;
      // A failed bookkeeping write must not fail the request.
      storage.touchApiToken(found.token.id, now).catch(() => {});
    }
    return found;
  }

  return {
    limit,

    /** Resolves with the stored token and its secret `value`, which is never available again. */
    async createToken(
      user: { id: string },
      description?: string | null,
    ): Promise<{ token: ApiToken; value: string }> {
      const value = mintToken();
      const record = {
        id: randomUUID(),
        workspaceUserId: user.id,
        display: displayToken(value),
        description: checkDescription(description),
        createdAt: clock.now(),
        lastUsedAt: null,
        secretHash: sha256Hex(value),
      };
      const token = await storage.transaction((tx) => tx.createApiTokenWithinLimit(record, limit));
      if (!token) {
        throw tokenErrors.TOKEN_LIMIT_REACHED(
          `You have ${limit} API tokens, the most a user may have. Delete one (DELETE /api/tokens/:id, or on the API Tokens page) to create another.`,
          { limit },
        );
      }
      return { token, value };
    },

    listTokens: (user: { id: string }) => storage.listApiTokens(user.id),

    async deleteToken(user: { id: string }, tokenId: string): Promise<void> {
      if (!(await storage.deleteApiToken(user.id, tokenId))) {
        throw tokenErrors.TOKEN_NOT_FOUND(`You have no API token with id ${tokenId}.`);
      }
    },

    /**
     * Deletes any token of the workspace by id, or by the masked form lists show (`weft_Ab12…yz89`,
     * `...` for `…`): an operator's `weft token delete`. Resolves the id deleted.
     */
    async deleteWorkspaceToken(workspace: Workspace, idOrDisplay: string): Promise<string> {
      let tokenId = idOrDisplay;
      if (idOrDisplay.startsWith('weft_')) {
        const ids = await storage.findWorkspaceApiTokenIds(workspace.id, idOrDisplay.replace('...', '…'));
        if (ids.length > 1) {
          throw tokenErrors.TOKEN_NOT_FOUND(
            `${ids.length} tokens of workspace "${workspace.slug}" are shown as ${idOrDisplay}: give the id (weft token list).`,
          );
        }
        tokenId = ids[0] ?? '';
      }
      const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tokenId);
      if (!isUuid || !(await storage.deleteWorkspaceApiToken(workspace.id, tokenId))) {
        throw tokenErrors.TOKEN_NOT_FOUND(`Workspace "${workspace.slug}" has no API token ${idOrDisplay}.`);
      }
      return tokenId;
    },

    /**
     * The token and its user when it was verified since the last write to the database (by anyone),
     * synchronously; undefined when only `verifyToken` can tell.
     */
    verifyCachedToken(value: string): VerifiedToken | undefined {
      const found = verified.get(storage.dataVersion(), sha256Hex(value));
      return found && noteUse(found);
    },

    /** The token and its user, or null for anything that is not a live token: one indexed lookup at most. */
    async verifyToken(value: string): Promise<VerifiedToken | null> {
      const secretHash = sha256Hex(value);
      const version = storage.dataVersion();
      // Only well-formed tokens are ever cached (a malformed value cannot hash to one of their keys),
      // so the format and checksum are checked where they matter: before any storage lookup.
      const cached = verified.get(version, secretHash);
      if (cached) return noteUse(cached);
      if (!isWellFormedToken(value)) return null;
      const read = await storage.findApiTokenBySecretHash(secretHash);
      if (!read) return null;
      verified.set(version, secretHash, read);
      return noteUse(read);
    },
  };
}

export type TokensService = ReturnType<typeof createTokensService>;

/** A token as `GET /api/tokens` and the CLI show it: never the secret. */
export function formatToken(token: ApiToken) {
  return {
    id: token.id,
    description: token.description,
    display: token.display,
    created_at: new Date(token.createdAt).toISOString(),
    last_used_at: token.lastUsedAt === null ? null : new Date(token.lastUsedAt).toISOString(),
  };
}
