/** `weft …` in this process, through the CLI's injectable entry (as bin/weft.ts runs it): no spawn. */
import { EventEmitter } from 'node:events';
import { runCli } from '../../src/cli/index.ts';

export async function weftInProcess(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    signals: new EventEmitter(),
  });
  return { code, stdout, stderr };
}

/** `weft user create` arguments: a user of `workspace` with `role`. */
export const userCreate = (workspace: string, email: string, name: string, role: string) => [
  'user',
  'create',
  '--workspace',
  workspace,
  '--email',
  email,
  '--name',
  name,
  '--role',
  role,
];
