export { ConfigError, type ConfigSources, createConfig, loadConfig } from './load-config.ts';
export { type Config, configRules, configSchema, type OptionSpec } from './schema.ts';
