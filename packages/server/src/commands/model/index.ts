export {
  loadWorkspaceTypes,
  STANDARD_FIELDS,
  USER_EXTENSION,
  type WorkspaceTypes,
} from './domain-types.ts';
export { checkStorableText, PRIMITIVE_TYPES, type PrimitiveType } from './primitive-types.ts';
export {
  builtInTypes,
  type FieldKind,
  type FieldModel,
  fieldOf,
  type RelationLink,
  type RelationModel,
  type TypeModel,
} from './type-model.ts';
