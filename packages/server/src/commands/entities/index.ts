export { addCollectionItems, removeCollectionItems } from './collections.ts';
export {
  entityBatchCreate,
  entityBatchDelete,
  entityCreate,
  entityDelete,
  entityUpdate,
} from './entity-commands.ts';
export { entityUpsert } from './upsert.ts';
