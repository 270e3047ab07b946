export { ConfigError, type ConfigSources, createConfig, loadConfig } from './load-config.ts';
export { type Config, configSchema, type OptionSpec } from './schema.ts';
