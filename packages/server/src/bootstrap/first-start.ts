import type { AccountsService, TokensService } from '../auth/index.ts';
import { WeftError } from '../errors/index.ts';
import type { Storage, Workspace, WorkspaceUser } from '../storage/index.ts';

export const FIRST_ADMIN_EMAIL = 'admin@example.com';

/** The query of Fibery's API documentation: the caller's own user. */
const EXAMPLE_QUERY = {
  'q/from': 'fibery/user',
  'q/select': ['fibery/id', 'user/name'],
  'q/where': ['=', ['fibery/id'], '$my-id'],
  'q/limit': 1,
};

export interface FirstStart {
  workspace: string;
  email: string;
  password: string;
  /** An API token of the administrator, ready for the first request. */
  token: string;
}

const isCode = (error: unknown, code: string) => error instanceof WeftError && error.code === code;

/**
 * On an empty database, creates the default workspace and its administrator, and resolves with the
 * generated password to print once. Resolves null on any later start, and for all but one of several
 * instances starting together on one database. A start that died between the two steps is completed.
 */
export async function runFirstStart({
  accounts,
  tokens,
  storage,
  defaultWorkspace,
  populate,
}: {
  accounts: AccountsService;
  tokens: TokensService;
  storage: Storage;
  /** Fills the new workspace (the sample space), acting as its new admin. */
  populate?: (workspace: Workspace, admin: WorkspaceUser) => Promise<void>;
  defaultWorkspace: string;
}): Promise<FirstStart | null> {
  const existing = await storage.listWorkspaces();
  let workspace = existing.find((w) => w.slug === defaultWorkspace);
  if (existing.length === 0) {
    workspace = await accounts
      .createWorkspace({ slug: defaultWorkspace, name: 'Demo' })
      .catch(async (error) => {
        if (isCode(error, 'WORKSPACE_EXISTS'))
          return (await storage.getWorkspaceBySlug(defaultWorkspace)) ?? undefined;
        throw error;
      });
  } else if (existing.length > 1) {
    return null;
  }
  if (!workspace || (await storage.listWorkspaceUsers(workspace.id)).length > 0) return null;
  try {
    const created = await accounts.createUser({
      workspace: workspace.slug,
      email: FIRST_ADMIN_EMAIL,
      name: 'Admin',
      role: 'admin',
    });
    if (!created.generatedPassword) return null;
    await populate?.(created.workspace, created.user);
    const { value } = await tokens.createToken(created.user, 'Created on first start');
    return {
      workspace: workspace.slug,
      email: FIRST_ADMIN_EMAIL,
      password: created.generatedPassword,
      token: value,
    };
  } catch (error) {
    if (isCode(error, 'USER_EXISTS')) return null;
    throw error;
  }
}

/** The lines printed at start; the password only on the first. */
export function formatBanner(url: string, firstStart: FirstStart | null): string {
  const lines = [`Weft is running at ${url}`];
  if (firstStart) {
    lines.push(
      '',
      `First start: created workspace "${firstStart.workspace}" and its administrator. This is shown only once:`,
      `  Email:     ${firstStart.email}`,
      `  Password:  ${firstStart.password}`,
      `  API token: ${firstStart.token}`,
      `Log in at ${url}/login. Lost these? A new password: npx weft user passwd --email ${firstStart.email};`,
      `a new token: npx weft token create --workspace ${firstStart.workspace} --email ${firstStart.email}`,
      '',
      'List your API tokens:',
      `  curl -s ${url}/api/tokens -H 'Authorization: Token ${firstStart.token}'`,
      "Fibery's example query (who am I?):",
      `  curl -s ${url}/api/commands -H 'Authorization: Token ${firstStart.token}' -H 'Content-Type: application/json' \\`,
      `    -d '${JSON.stringify({ command: 'fibery.entity/query', args: { query: EXAMPLE_QUERY } })}'`,
    );
  }
  return `${lines.join('\n')}\n`;
}
