import { InvalidValue } from './parsers.ts';
import { type Config, configRules, configSchema, type OptionSpec } from './schema.ts';

/** Misconfiguration: names each offending option and says what a valid value looks like. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface ConfigSources {
  /** The environment; only this loader reads it. */
  env: Record<string, string | undefined>;
  /** `weft serve` flags by flag name (`data-dir`), which win over the environment. */
  flags?: Record<string, string | undefined>;
}

/**
 * Reads every option of `configSchema` once, flags over environment over default. An empty
 * environment variable counts as unset. All problems are reported together.
 */
export function loadConfig({ env, flags = {} }: ConfigSources): Config {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(configSchema) as [keyof Config, OptionSpec<unknown>][]) {
    const fromFlag = flags[spec.flag];
    const raw = fromFlag ?? (env[spec.env] === '' ? undefined : env[spec.env]);
    if (raw === undefined) {
      config[key] = typeof spec.default === 'function' ? spec.default(config) : spec.default;
      continue;
    }
    try {
      config[key] = spec.parse(raw);
    } catch (error) {
      if (!(error instanceof InvalidValue)) throw error;
      const source = fromFlag === undefined ? spec.env : `--${spec.flag}`;
      const shown = spec.secret ? '' : ` (got ${JSON.stringify(raw)})`;
      problems.push(`${source} ${error.message}${shown}`);
    }
  }
  if (problems.length === 0)
    for (const rule of configRules) {
      const problem = rule(config as Config);
      if (problem) problems.push(problem);
    }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as Config;
}

/** A config for tests and tools: the defaults, with the given options over them. */
export function createConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ env: {} }), ...overrides };
}
