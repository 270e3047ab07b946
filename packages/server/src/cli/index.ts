import { parseArgs } from 'node:util';
import { type Auth, createAuth } from '../auth/index.ts';
import { ConfigError, configSchema, loadConfig } from '../config/index.ts';
import { WeftError } from '../errors/index.ts';
import { openStorage, type Storage, StorageUnavailableError } from '../storage/index.ts';
import { didYouMean } from '../text/index.ts';
import { type CliCommand, type CliContext, type CliIo, UsageError } from './command.ts';
import {
  clientCreateCommand,
  clientDeleteCommand,
  clientListCommand,
  clientRotateSecretCommand,
  keysRotateCommand,
} from './oauth-commands.ts';
import { serveCommand } from './serve.ts';
import { tokenCreateCommand, tokenDeleteCommand, tokenListCommand } from './token-commands.ts';
import { userCreateCommand } from './user-create.ts';
import { userListCommand } from './user-list.ts';
import { userPasswdCommand } from './user-passwd.ts';
import { userActivateCommand, userDeactivateCommand, userSetRoleCommand } from './user-update.ts';
import { workspaceCreateCommand } from './workspace-create.ts';
import { workspaceListCommand } from './workspace-list.ts';
import { workspaceUpdateCommand } from './workspace-update.ts';

export type { CliIo } from './command.ts';

export const commands: readonly CliCommand[] = [
  serveCommand,
  workspaceCreateCommand,
  workspaceListCommand,
  workspaceUpdateCommand,
  userCreateCommand,
  userListCommand,
  userSetRoleCommand,
  userDeactivateCommand,
  userActivateCommand,
  userPasswdCommand,
  tokenCreateCommand,
  tokenListCommand,
  tokenDeleteCommand,
  clientCreateCommand,
  clientListCommand,
  clientDeleteCommand,
  clientRotateSecretCommand,
  keysRotateCommand,
];

const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const STORAGE_OPTIONS = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
} as const;

function helpText(): string {
  const lines = ['Usage: weft <command> [options]', '', 'Commands:'];
  for (const command of commands) lines.push(`  ${command.name.padEnd(17)} ${command.summary}`);
  lines.push(
    '',
    'Every command but serve also takes --data-dir D and --database-url U (or WEFT_DATA_DIR, DATABASE_URL),',
    'and --json to print one JSON object. `weft <command> --help` shows its options.',
  );
  return `${lines.join('\n')}\n`;
}

const usageOf = (command: CliCommand) => `usage: weft ${command.name} ${command.usage}`.trimEnd();

/** A command line to copy for each command, shown by its `--help`. */
const EXAMPLES: Record<string, string> = {
  serve: 'weft serve --port 3000 --data-dir ./data',
  'workspace create': 'weft workspace create acme --name "Acme Inc" --sample',
  'workspace list': 'weft workspace list',
  'workspace update': 'weft workspace update acme --rate-limit 20',
  'user create': 'weft user create --workspace acme --email ada@example.com --name Ada --role admin',
  'user list': 'weft user list --workspace acme',
  'user set-role': 'weft user set-role --workspace acme --email ada@example.com --role observer',
  'user deactivate': 'weft user deactivate --workspace acme --email ada@example.com',
  'user activate': 'weft user activate --workspace acme --email ada@example.com',
  'user passwd': 'weft user passwd --email ada@example.com',
  'token create': 'weft token create --workspace acme --email ada@example.com --description "n8n"',
  'token list': 'weft token list --workspace acme --email ada@example.com',
  'token delete': 'weft token delete --workspace acme weft_Ab12…yz89',
  'client create': 'weft client create --name "My app" --redirect-uri https://app.example/callback',
  'client list': 'weft client list',
  'client delete': 'weft client delete 3f0c…',
  'client rotate-secret': 'weft client rotate-secret 3f0c…',
  'keys rotate': 'weft keys rotate',
};

const COMMON_HELP: [string, string][] = [
  ['--json', 'print one JSON object on stdout (errors as JSON on stderr)'],
  ['--data-dir D', 'the data folder of SQLite (WEFT_DATA_DIR, default ./data)'],
  ['--database-url U', 'a postgres:// URL instead (DATABASE_URL)'],
  ['-h, --help', 'this help'],
];

/** `weft <command> --help`: usage, what it does, every option, and an example. */
function commandHelp(command: CliCommand): string {
  const own: [string, string][] = command.serverFlags
    ? Object.values(configSchema).map((spec) => [`--${spec.flag} V`, `${spec.doc} (${spec.env})`])
    : Object.entries(command.options).map(([name, spec]) => [
        `--${name}${spec.type === 'string' ? ` ${name.toUpperCase().replace(/-/g, '_')}` : ''}`,
        command.positional === name ? 'also given as the first argument' : '',
      ]);
  const common = command.serverFlags ? COMMON_HELP.filter(([flag]) => !flag.startsWith('--d')) : COMMON_HELP;
  const rows = [...own, ...common];
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = [
    usageOf(command),
    command.summary,
    '',
    'Options:',
    ...rows.map(([flag, doc]) => `  ${flag.padEnd(width)}  ${doc}`.trimEnd()),
  ];
  const example = command.example ?? EXAMPLES[command.name];
  if (example) lines.push('', 'Example:', `  ${example}`);
  return `${lines.join('\n')}\n`;
}

function findCommand(argv: readonly string[]): CliCommand | undefined {
  return commands.find((command) => command.name.split(' ').every((word, i) => argv[i] === word));
}

/** Runs one `weft` command line and resolves with the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || ['help', '--help', '-h'].includes(argv[0]!)) {
    io.stdout.write(helpText());
    return 0;
  }
  const command = findCommand(argv);
  if (!command) {
    const given = argv.slice(0, 2).join(' ');
    const hint = didYouMean(
      given,
      commands.map((c) => c.name),
    );
    io.stderr.write(`weft: unknown command "${given}".${hint.text}\n\n${helpText()}`);
    return 2;
  }
  const json = argv.includes('--json');
  const opened: { storage?: Storage } = {};
  try {
    const values = parseValues(command, argv);
    if (values.help) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    const context = commandContext(command, values, io, json, opened);
    return (await command.run(context)) ?? 0;
  } catch (error) {
    return reportError(error, command, io, json);
  } finally {
    await opened.storage?.close();
  }
}

function reportError(error: unknown, command: CliCommand, io: CliIo, json: boolean): number {
  const code = (error as { code?: unknown }).code;
  if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
    let message = (error as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const given = /'(-[^']*)'/.exec(message)?.[1];
      const known = Object.keys({
        ...command.options,
        ...COMMON_OPTIONS,
        ...(command.serverFlags ? {} : STORAGE_OPTIONS),
      });
      const hint = didYouMean(given?.replace(/^-+/, ''), known);
      // Node's own text suggests "--" for a positional; ours names the option meant.
      message = `unknown option ${given ?? ''}.${hint.text.replace(/"([^"]+)"/, '"--$1"')}`;
    }
    io.stderr.write(`weft: ${message}\n${usageOf(command)}\n`);
    return 2;
  }
  if (error instanceof WeftError) {
    io.stderr.write(
      json
        ? `${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`
        : `weft: ${error.message} [${error.code}]\n`,
    );
    return 1;
  }
  if (error instanceof ConfigError) {
    io.stderr.write(error.problems.map((problem) => `weft: ${problem}\n`).join(''));
    return 1;
  }
  if (error instanceof StorageUnavailableError || (error as Error)?.name === 'ServeError') {
    io.stderr.write(`weft: ${(error as Error).message}\n`);
    return 1;
  }
  io.stderr.write(`weft: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
  return 1;
}

/** The command's option values, its positional argument among them; a usage error if they are wrong. */
function parseValues(command: CliCommand, argv: readonly string[]) {
  const parsed = parseArgs({
    args: argv.slice(command.name.split(' ').length),
    options: { ...command.options, ...COMMON_OPTIONS, ...(command.serverFlags ? {} : STORAGE_OPTIONS) },
    allowPositionals: command.positional !== undefined,
    strict: true,
  });
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const positionals = parsed.positionals;
  if (values.help) return values;
  if (command.positional && positionals.length > 0) {
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    values[command.positional] ??= positionals[0];
  }
  const missing = (command.required ?? []).filter((name) => typeof values[name] !== 'string');
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  return values;
}

/** What a command runs with: its config, and the storage and services, opened on first use. */
function commandContext(
  command: CliCommand,
  values: Record<string, string | boolean | string[] | undefined>,
  io: CliIo,
  json: boolean,
  opened: { storage?: Storage },
): CliContext {
  const flags = command.serverFlags
    ? values
    : { 'data-dir': values['data-dir'], 'database-url': values['database-url'] };
  const config = loadConfig({ env: io.env, flags: flags as Record<string, string | undefined> });
  let auth: Auth | undefined;
  const openAuth = async () => {
    if (!auth) {
      opened.storage = (await openStorage(config)).storage;
      auth = createAuth({ config, storage: opened.storage, clock: Date });
    }
    return auth;
  };
  return {
    io,
    values,
    config,
    json,
    accounts: async () => (await openAuth()).accounts,
    tokens: async () => (await openAuth()).tokens,
    oauth: async () => (await openAuth()).oauth,
    storage: async () => {
      await openAuth();
      return opened.storage!;
    },
    print(value, text) {
      io.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
    },
  };
}
