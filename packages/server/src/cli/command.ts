import type { ParseArgsOptionsConfig } from 'node:util';
import type { AccountsService, OAuth, TokensService } from '../auth/index.ts';
import type { Config } from '../config/index.ts';
import type { Storage } from '../storage/index.ts';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Emits SIGTERM and SIGINT; `weft serve` stops on them. */
  signals: NodeJS.EventEmitter;
}

export interface CliContext {
  io: CliIo;
  values: Record<string, string | boolean | string[] | undefined>;
  config: Config;
  json: boolean;
  /** Opens storage for the command; closed by the dispatcher when the command ends. */
  accounts(): Promise<AccountsService>;
  /** The API tokens service over the same storage. */
  tokens(): Promise<TokensService>;
  /** The OAuth apps over the same storage. */
  oauth(): Promise<OAuth>;
  /** The storage itself, for commands that write without a service (keys, the sample space). */
  storage(): Promise<Storage>;
  /** Prints `json` (with --json) or the lines of `text`. */
  print(json: unknown, text: string): void;
}

export interface CliCommand {
  /** The words that select it: `user create`. */
  name: string;
  summary: string;
  /** Its arguments, as shown in help. */
  usage: string;
  /** A command line to copy, shown by `--help`. */
  example?: string;
  options: ParseArgsOptionsConfig;
  /** The option a lone positional argument fills in (`workspace create acme`). */
  positional?: string;
  /** Options that must be given. */
  required?: string[];
  /** Whether its flags are the server options (so the config is read from them). */
  serverFlags?: boolean;
  /** Resolves with the exit code, 0 by default. */
  run(context: CliContext): Promise<number | undefined>;
}

/** Wrong words on the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function stringValue(context: CliContext, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The value of an option listed in `required` (the dispatcher has checked it is there). */
export function requiredValue(context: CliContext, name: string): string {
  const value = stringValue(context, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}
