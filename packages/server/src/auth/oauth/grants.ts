import type { Storage } from '../../storage/index.ts';

/** The models that belong to a grant: revoking the grant deletes them. */
const GRANT_MEMBERS = ['AccessToken', 'AuthorizationCode', 'RefreshToken'];

/** Deletes a grant and every code and token issued under it, in one transaction. */
export async function revokeGrant(storage: Storage, grantId: string) {
  await storage.transaction(async (tx) => {
    for (const model of [...GRANT_MEMBERS, 'Grant']) await tx.deleteOAuthArtifactsOfGrant(model, grantId);
  });
}
