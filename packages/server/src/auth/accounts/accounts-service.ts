import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Repositories, Role, Storage, Workspace, WorkspaceUser } from '../../storage/index.ts';
import {
  checkEmail,
  checkPassword,
  checkRole,
  checkSlug,
  checkUserName,
  checkWorkspaceName,
} from './check-input.ts';
import { accountErrors } from './errors.ts';
import { generatePassword, hashPassword } from './passwords.ts';

export interface CreateUserInput {
  workspace: string;
  email: string;
  name: string;
  role: string;
  /**
   * Omitted: one is generated and returned, unless the account exists already. `null`: none at all,
   * the user acts through tokens only (embedded and test workspaces: hashing takes ~50 ms).
   */
  password?: string | null;
}

export interface CreatedUser {
  user: WorkspaceUser;
  workspace: Workspace;
  /** Set only when this call generated the password; shown once. */
  generatedPassword?: string;
}

/**
 * Workspaces, accounts and workspace users: validation, then one transaction per operation, so a
 * failed operation writes nothing.
 */
export function createAccountsService({ storage, clock }: { storage: Storage; clock: Clock }) {
  async function requireWorkspace(tx: Repositories, slug: string): Promise<Workspace> {
    const workspace = await tx.getWorkspaceBySlug(slug);
    if (!workspace) throw accountErrors.WORKSPACE_NOT_FOUND(`Workspace "${slug}" does not exist.`);
    return workspace;
  }

  async function requireUser(tx: Repositories, workspace: Workspace, email: string): Promise<WorkspaceUser> {
    const user = await tx.getWorkspaceUserByEmail(workspace.id, email);
    if (!user)
      throw accountErrors.USER_NOT_FOUND(`Workspace "${workspace.slug}" has no user with email ${email}.`);
    return user;
  }

  async function checkKeepsAnAdmin(tx: Repositories, workspace: Workspace, user: WorkspaceUser) {
    if (user.role !== 'admin' || !user.active) return;
    const admins = (await tx.listWorkspaceUsers(workspace.id)).filter((u) => u.role === 'admin' && u.active);
    if (admins.length <= 1) {
      throw accountErrors.LAST_ADMIN(
        `${user.email} is the only active admin of "${workspace.slug}": make another user admin first.`,
      );
    }
  }

  async function updateUser(slug: string, email: string, changes: { role?: Role; active?: boolean }) {
    return storage.transaction(async (tx) => {
      const workspace = await requireWorkspace(tx, slug);
      const user = await requireUser(tx, workspace, email);
      const losesAdmin = (changes.role !== undefined && changes.role !== 'admin') || changes.active === false;
      if (losesAdmin) await checkKeepsAnAdmin(tx, workspace, user);
      const updated = await tx.updateWorkspaceUser(workspace.id, user.id, changes, clock.now());
      return { user: updated ?? user, workspace };
    });
  }

  return {
    async createWorkspace({ slug, name }: { slug: string; name?: string }): Promise<Workspace> {
      const workspace: Workspace = {
        id: randomUUID(),
        slug: checkSlug(slug),
        name: checkWorkspaceName(name ?? slug),
        createdAt: clock.now(),
      };
      const created = await storage.createWorkspace(workspace);
      if (!created) throw accountErrors.WORKSPACE_EXISTS(`Workspace "${slug}" exists already.`);
      return created;
    },

    listWorkspaces: () => storage.listWorkspaces(),

    getWorkspace: async (slug: string) => requireWorkspace(storage, slug),

    /** Gives the workspace a rate limit of its own (requests per window), or with null the server's. */
    async setWorkspaceRateLimit(slug: string, limit: number | null): Promise<Workspace> {
      const workspace = await requireWorkspace(storage, slug);
      await storage.setWorkspaceRateLimit(workspace.id, limit);
      return { ...workspace, rateLimit: limit };
    },

    async createUser(input: CreateUserInput): Promise<CreatedUser> {
      const email = checkEmail(input.email);
      const name = checkUserName(input.name);
      const role = checkRole(input.role);
      const password =
        input.password === null
          ? null
          : input.password === undefined
            ? generatePassword()
            : checkPassword(input.password);
      // Before the transaction: it takes ~50 ms.
      const passwordHash = password === null ? null : await hashPassword(password);
      return storage.transaction(async (tx) => {
        const workspace = await requireWorkspace(tx, input.workspace);
        const now = clock.now();
        let account = await tx.getAccountByEmail(email);
        let generatedPassword: string | undefined;
        if (account) {
          if (await tx.getWorkspaceUserByEmail(workspace.id, email)) {
            throw accountErrors.USER_EXISTS(
              `Workspace "${workspace.slug}" has a user with email ${email} already.`,
            );
          }
          if (typeof input.password === 'string') {
            throw accountErrors.ACCOUNT_EXISTS(
              `${email} has an account already, with its own password: add it without a password.`,
            );
          }
        } else {
          const fields = {
            id: randomUUID(),
            email,
            name,
            passwordHash,
            passwordChangedAt: passwordHash === null ? null : now,
            createdAt: now,
          };
          account = await tx.createAccount(fields);
          if (!account)
            throw accountErrors.USER_EXISTS(`An account with email ${email} was created meanwhile.`);
          if (input.password === undefined && password !== null) generatedPassword = password;
        }
        const user = await tx.createWorkspaceUser({
          id: randomUUID(),
          workspaceId: workspace.id,
          accountId: account.id,
          role,
          at: now,
        });
        if (!user)
          throw accountErrors.USER_EXISTS(
            `Workspace "${workspace.slug}" has a user with email ${email} already.`,
          );
        return { user, workspace, ...(generatedPassword === undefined ? {} : { generatedPassword }) };
      });
    },

    async listUsers(slug: string): Promise<WorkspaceUser[]> {
      const workspace = await requireWorkspace(storage, slug);
      return storage.listWorkspaceUsers(workspace.id);
    },

    async getUser(slug: string, email: string): Promise<WorkspaceUser> {
      const workspace = await requireWorkspace(storage, slug);
      return requireUser(storage, workspace, email);
    },

    setRole: async (slug: string, email: string, role: string) =>
      updateUser(slug, email, { role: checkRole(role) }),
    deactivateUser: (slug: string, email: string) => updateUser(slug, email, { active: false }),
    activateUser: (slug: string, email: string) => updateUser(slug, email, { active: true }),

    /** An account by its id (an OAuth subject), or null. */
    getAccount: (id: string) => storage.getAccountById(id),

    /** Sets an account's password; resolves with the generated one when none is given. */
    async setPassword(email: string, password?: string): Promise<{ generatedPassword?: string }> {
      const value = password === undefined ? generatePassword() : checkPassword(password);
      const account = await storage.getAccountByEmail(checkEmail(email));
      if (!account) throw accountErrors.USER_NOT_FOUND(`No account has email ${email}.`);
      await storage.updateAccountPassword(account.id, await hashPassword(value), clock.now());
      return password === undefined ? { generatedPassword: value } : {};
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;

/** A workspace user as the CLI and the API show it. */
export function formatUser(user: WorkspaceUser, workspace: Workspace) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    active: user.active,
    workspace: workspace.slug,
  };
}
