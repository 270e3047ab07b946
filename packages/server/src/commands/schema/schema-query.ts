/**
 * The workspace schema in Fibery's shape (`fibery.schema/query`, `GET /api/schema`), described from
 * the same type model the query compiler uses, so the two cannot disagree. Built-in types and fields
 * get ids derived from their names, stable across servers and restarts; domain types their stored ids.
 */
import { createHash } from 'node:crypto';
import type { Repositories } from '../../storage/index.ts';
import type { CommandHandler } from '../core/index.ts';
import { isObject } from '../core/index.ts';
import { loadWorkspaceTypes, PRIMITIVE_TYPES } from '../model/index.ts';

/** What each primitive type holds, for `with-description?`. */
const PRIMITIVE_DESCRIPTIONS: Record<string, string> = {
  'fibery/text': 'Text, up to 100,000 characters.',
  'fibery/email': 'An email address.',
  'fibery/url': 'A URL.',
  'fibery/emoji': 'An emoji.',
  'fibery/uuid': 'A UUID.',
  'fibery/int': 'A whole number.',
  'fibery/decimal': 'A number, sent as a number or a string like "2.01".',
  'fibery/bool': 'true or false.',
  'fibery/date': 'A date: "1979-10-12".',
  'fibery/date-time': 'A date and time, ISO 8601: "2019-06-24T12:25:20.812Z".',
  'fibery/json-value': 'Any JSON value.',
  'fibery/date-range': 'Two dates: {"start": "2019-06-27", "end": "2019-06-30"}.',
  'fibery/date-time-range': 'Two date-times: {"start": …, "end": …}.',
  'fibery/location': '{"longitude", "latitude", "fullAddress"?, "addressParts"?}.',
  'fibery/color': 'A color: "#F7D130".',
  'fibery/rank': 'A number that orders entities (the rank mixin).',
};

/** A UUID-shaped id derived from a name (name-based, RFC 9562 §5.8 layout). */
function stableId(name: string): string {
  const hex = createHash('sha256').update(`weft:${name}`).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A description, as `with-description?` asks: the one in meta, or null. */
const descriptionOf = (meta: Record<string, unknown>) =>
  typeof meta['fibery/description'] === 'string' ? meta['fibery/description'] : null;

/**
 * The workspace's schema; `fibery/version` moves with every schema change. As in Fibery, it lists the
 * primitive types too (`"fibery/primitive?": true`, no fields): clients look every field's type up in
 * it (the n8n node fails when one is missing). `withDescriptions` adds `fibery/description` to every
 * type and field.
 */
export async function describeSchema(db: Repositories, workspaceId: string, withDescriptions = false) {
  const { version, types } = await loadWorkspaceTypes(db, workspaceId);
  const described = (description: string | null) =>
    withDescriptions ? { 'fibery/description': description } : {};
  const primitives = Object.keys(PRIMITIVE_TYPES).map((name) => ({
    'fibery/name': name,
    'fibery/id': stableId(`type:${name}`),
    ...described(PRIMITIVE_DESCRIPTIONS[name] ?? null),
    'fibery/deleted?': false,
    'fibery/meta': { 'fibery/primitive?': true, 'fibery/domain?': false },
    'fibery/fields': [],
  }));
  return {
    'fibery/id': stableId(`schema:${workspaceId}`),
    'fibery/version': version,
    'fibery/meta': { 'fibery/maintenance?': false },
    'fibery/types': [
      ...Object.values(types).map((type) => ({
        'fibery/name': type.name,
        'fibery/id': type.domain?.id ?? stableId(`type:${type.name}`),
        ...described(descriptionOf(type.meta)),
        'fibery/deleted?': false,
        'fibery/meta': { 'fibery/primitive?': false, ...type.meta },
        'fibery/fields': Object.entries(type.fields).map(([name, field]) => ({
          'fibery/name': name,
          'fibery/type': field.fiberyType,
          'fibery/id': stableId(`field:${type.name}:${name}`),
          ...described(descriptionOf(field.meta)),
          'fibery/deleted?': false,
          'fibery/meta': field.meta,
        })),
      })),
      ...primitives,
    ],
  };
}

/** `fibery.schema/query`: args optional; `"with-description?": true` adds descriptions. */
export const schemaQuery: CommandHandler = {
  privilege: 'read',
  async run(args, { db, principal }) {
    const withDescriptions = isObject(args) && args['with-description?'] === true;
    return describeSchema(db, principal.workspace.id, withDescriptions);
  },
};
