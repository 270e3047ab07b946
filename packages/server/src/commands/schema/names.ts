/** The names and arguments schema sub-commands take, checked before anything is stored. */
import { isDisplaySafe } from '../../security/index.ts';
import { commandError, isObject, show } from '../core/index.ts';

const RESERVED_NAMESPACES = new Set(['fibery', 'user', 'enum', 'workflow', 'q', 'schema', 'ui', 'app']);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const PART = /^[^/\s\u0000-\u001f\u007f](?:[^/\u0000-\u001f\u007f]{0,98}[^/\s\u0000-\u001f\u007f])?$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const ENUM_NAME = /^[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]{0,298}[^\s\u0000-\u001f\u007f]$/;

export const invalidCommand = (message: string) => commandError('schema.error/invalid-command', message);

/**
 * Field names of reserved namespaces that a database may have all the same, as Fibery's clients and
 * docs give them: `fibery/name`, the title field both JS clients add to every database they create,
 * and `user/…`, the space of old workspaces' fields (`user/salary` on a `Cricket/Player`).
 */
const isAllowedFieldName = (parts: string[]) =>
  (parts[0] === 'fibery' && parts[1] === 'name') || parts[0] === 'user';

export function checkName(name: unknown, what: string, { field = false } = {}): string {
  const parts = typeof name === 'string' ? name.split('/') : [];
  if (
    parts.length !== 2 ||
    !parts.every((part) => PART.test(part)) ||
    (RESERVED_NAMESPACES.has(parts[0]!) && !(field && isAllowedFieldName(parts))) ||
    !isDisplaySafe(name as string)
  ) {
    throw commandError(
      'schema.error/invalid-name',
      `${what} ${show(name)} is not "Space/Name" (or its space is reserved).`,
    );
  }
  return name as string;
}

export function meta(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalidCommand('fibery/meta is an object.');
  return value;
}

export function checkEnumName(name: unknown): string {
  if (
    typeof name !== 'string' ||
    !ENUM_NAME.test(name) ||
    !isDisplaySafe(name) ||
    !name.includes('/') ||
    name.startsWith('fibery/')
  ) {
    throw commandError(
      'schema.error/invalid-name',
      `Enum name ${show(name)} is not like "Space/Field_Space/Database".`,
    );
  }
  return name;
}

/** Meta keys that say how a field is stored: changing them would need a different field. */
const STRUCTURAL_META = new Set(['fibery/collection?', 'fibery/relation']);

export function metaKey(args: Record<string, unknown>): string {
  const key = args.key;
  if (typeof key !== 'string' || key.length === 0 || key.length > 200)
    throw invalidCommand('key names a meta key, like "fibery/required?".');
  if (STRUCTURAL_META.has(key))
    throw invalidCommand(
      `"${key}" says how the field is stored and cannot change; delete and create the field instead.`,
    );
  return key;
}
