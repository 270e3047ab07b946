/** The cricket schema as `fibery.schema/query` gives it (trimmed to what the tests use), and players. */
import type { Entity, SchemaType } from '@weft/client';

const field = (name: string, type: string, meta: Record<string, unknown> = {}) => ({
  'fibery/name': name,
  'fibery/type': type,
  'fibery/meta': meta,
});

export const CRICKET_SCHEMA: SchemaType[] = [
  {
    'fibery/name': 'Cricket/Player',
    'fibery/meta': { 'fibery/domain?': true, 'app/mixins': { 'fibery/rank-mixin': true } },
    'fibery/fields': [
      field('fibery/id', 'fibery/uuid'),
      field('fibery/public-id', 'fibery/text'),
      field('fibery/rank', 'fibery/rank'),
      field('Cricket/Name', 'fibery/text', { 'ui/title?': true }),
      field('Cricket/Runs', 'fibery/int'),
      field('Cricket/Team', 'Cricket/Team', { 'fibery/relation': 'r-team' }),
    ],
  },
  {
    'fibery/name': 'Cricket/Team',
    'fibery/meta': { 'fibery/domain?': true },
    'fibery/fields': [
      field('fibery/id', 'fibery/uuid'),
      field('Cricket/Name', 'fibery/text', { 'ui/title?': true }),
      field('Cricket/Players', 'Cricket/Player', { 'fibery/relation': 'r-team', 'fibery/collection?': true }),
    ],
  },
  { 'fibery/name': 'fibery/user', 'fibery/meta': {}, 'fibery/fields': [field('fibery/id', 'fibery/uuid')] },
];

export const PLAYERS: Entity[] = Array.from({ length: 25 }, (_, i) => ({
  'Cricket/Name': `Player ${String(i).padStart(2, '0')}`,
  'Cricket/Runs': 1000 + i,
}));
