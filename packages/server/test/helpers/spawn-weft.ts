/** Runs `bin/weft.ts` as a child process on the same Node.js as the tests, and watches its output. */
import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';

export const WEFT_BIN = fileURLToPath(new URL('../../../../bin/weft.ts', import.meta.url));

export interface WeftProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` on stdout, or rejects when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `node <script> ...args` (default script: the weft bin) with `env` over a minimal environment. */
export function spawnWeft(args: string[], env: Record<string, string> = {}, script = WEFT_BIN): WeftProcess {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', WEFT_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk) => {
    out += chunk;
    for (const waiter of waiters) waiter();
  });
  child.stderr!.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let hasExited = false;
  exited.then(() => {
    hasExited = true;
    for (const waiter of waiters) waiter();
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; stdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        function check() {
          const match = out.match(pattern);
          if (match || hasExited) {
            clearTimeout(timer);
            waiters.delete(check);
            if (match) resolve(match);
            else reject(new Error(`process exited before ${pattern}; stdout:\n${out}\nstderr:\n${err}`));
          }
        }
        waiters.add(check);
        check();
      });
    },
  };
}

/** Runs a `weft` command to completion. */
export async function runWeft(args: string[], env: Record<string, string> = {}) {
  const proc = spawnWeft(args, env);
  const code = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** The URL a `weft serve` process listens on, from its log. */
export async function listeningUrl(proc: WeftProcess): Promise<string> {
  const [, url] = await proc.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
  return url!;
}

/** `POST /api/commands` on a running server with an API token; resolves with the parsed reply. */
export async function postCommand<Reply = { success: boolean; result: unknown }>(
  url: string,
  token: string,
  body: unknown,
): Promise<Reply> {
  const response = await fetch(`${url}/api/commands`, {
    method: 'POST',
    headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Reply;
}

/** A GET with an explicit Host header, which fetch() does not allow setting. */
export function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
