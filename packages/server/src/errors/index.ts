export {
  defineErrors,
  type ErrorDefinitions,
  type ErrorFactory,
  listErrorFactories,
  WeftError,
} from './weft-error.ts';
