export { ConfigError, type ConfigSources, createConfig, loadConfig } from './load-config.ts';
export { SLUG_PATTERN } from './parsers.ts';
export {
  type Config,
  configRules,
  configSchema,
  type OptionSpec,
  RATE_LIMIT_FAILURE_MODES,
} from './schema.ts';
