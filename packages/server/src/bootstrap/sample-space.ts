/**
 * The demo workspace's sample space, after Fibery's documentation: a `Cricket` space with players and
 * teams, created through the same commands a client would send: each player's current team (a team's
 * players), former teams (many to many) and batting hand (a single-select).
 */
import { randomUUID } from 'node:crypto';
import { type CommandContext, runCommand } from '../commands/index.ts';

const text = (name: string, meta: Record<string, unknown> = {}) => ({
  'fibery/name': name,
  'fibery/type': 'fibery/text',
  'fibery/meta': meta,
});

const RELATIONS = {
  current: '5a3c1e1e-7a4b-4c41-9f0e-8d9a2b6c1f01',
  former: '5a3c1e1e-7a4b-4c41-9f0e-8d9a2b6c1f02',
};
const HAND = 'Cricket/Batting Hand_Cricket/Player';

const SCHEMA = {
  command: 'fibery.schema/batch',
  args: {
    commands: [
      {
        command: 'schema.type/create',
        args: {
          'fibery/name': 'Cricket/Player',
          'fibery/meta': { 'fibery/domain?': true, 'ui/color': '#F7D130' },
          'fibery/fields': [
            text('Cricket/Name', { 'ui/title?': true }),
            { 'fibery/name': 'Cricket/Born', 'fibery/type': 'fibery/date' },
            { 'fibery/name': 'Cricket/Shirt Number', 'fibery/type': 'fibery/int' },
            {
              'fibery/name': 'Cricket/Height',
              'fibery/type': 'fibery/decimal',
              'fibery/meta': { 'ui/number-unit': 'm' },
            },
            { 'fibery/name': 'Cricket/Retired?', 'fibery/type': 'fibery/bool' },
          ],
        },
      },
      {
        command: 'schema.type/create',
        args: {
          'fibery/name': 'Cricket/Team',
          'fibery/meta': { 'fibery/domain?': true, 'ui/color': '#4A90E2' },
          'fibery/fields': [
            text('Cricket/Name', { 'ui/title?': true }),
            { 'fibery/name': 'Cricket/Founded', 'fibery/type': 'fibery/int' },
          ],
        },
      },
      {
        command: 'schema.field/create',
        args: {
          'fibery/holder-type': 'Cricket/Player',
          'fibery/name': 'Cricket/Current Team',
          'fibery/type': 'Cricket/Team',
          'fibery/meta': { 'fibery/relation': RELATIONS.current },
        },
      },
      {
        command: 'schema.field/create',
        args: {
          'fibery/holder-type': 'Cricket/Team',
          'fibery/name': 'Cricket/Players',
          'fibery/type': 'Cricket/Player',
          'fibery/meta': { 'fibery/collection?': true, 'fibery/relation': RELATIONS.current },
        },
      },
      {
        command: 'schema.field/create',
        args: {
          'fibery/holder-type': 'Cricket/Player',
          'fibery/name': 'Cricket/Former Teams',
          'fibery/type': 'Cricket/Team',
          'fibery/meta': { 'fibery/collection?': true, 'fibery/relation': RELATIONS.former },
        },
      },
      {
        command: 'schema.field/create',
        args: {
          'fibery/holder-type': 'Cricket/Team',
          'fibery/name': 'Cricket/Former Players',
          'fibery/type': 'Cricket/Player',
          'fibery/meta': { 'fibery/collection?': true, 'fibery/relation': RELATIONS.former },
        },
      },
      {
        command: 'schema.enum/create',
        args: { 'fibery/name': HAND, 'fibery/meta': { 'fibery/type-component?': true } },
      },
      {
        command: 'schema.field/create',
        args: {
          'fibery/holder-type': 'Cricket/Player',
          'fibery/name': 'Cricket/Batting Hand',
          'fibery/type': HAND,
        },
      },
    ],
  },
};

const PLAYERS = [
  {
    'Cricket/Name': 'Curtly Ambrose',
    'Cricket/Current Team': 'West Indies',
    'Cricket/Batting Hand': 'Right',
    'Cricket/Born': '1963-09-21',
    'Cricket/Shirt Number': 1,
    'Cricket/Height': 2.01,
    'Cricket/Retired?': true,
  },
  {
    'Cricket/Name': 'Brian Lara',
    'Cricket/Current Team': 'West Indies',
    'Cricket/Batting Hand': 'Left',
    'Cricket/Born': '1969-05-02',
    'Cricket/Shirt Number': 9,
    'Cricket/Height': 1.73,
    'Cricket/Retired?': true,
  },
  {
    'Cricket/Name': 'Ellyse Perry',
    'Cricket/Current Team': 'Australia',
    'Cricket/Batting Hand': 'Right',
    'Cricket/Born': '1990-11-03',
    'Cricket/Shirt Number': 8,
    'Cricket/Height': 1.76,
    'Cricket/Retired?': false,
  },
  {
    'Cricket/Name': 'Virat Kohli',
    'Cricket/Current Team': 'India',
    'Cricket/Batting Hand': 'Right',
    'Cricket/Born': '1988-11-05',
    'Cricket/Shirt Number': 18,
    'Cricket/Height': 1.75,
    'Cricket/Retired?': false,
  },
];

const TEAMS = [
  { 'Cricket/Name': 'West Indies', 'Cricket/Founded': 1926 },
  { 'Cricket/Name': 'Australia', 'Cricket/Founded': 1877 },
  { 'Cricket/Name': 'India', 'Cricket/Founded': 1932 },
  { 'Cricket/Name': 'World XI', 'Cricket/Founded': 1970 },
];

/** Creates the sample space as `admin`, in one all-or-nothing batch; throws if any command fails. */
export async function createSampleSpace(context: CommandContext) {
  const teamIds = new Map(TEAMS.map((team) => [team['Cricket/Name'], randomUUID()]));
  const playerIds = new Map(PLAYERS.map((player) => [player['Cricket/Name'], randomUUID()]));
  const creates = [
    ...['Right', 'Left'].map((name) => ({
      command: 'fibery.entity/create',
      args: { type: HAND, entity: { 'enum/name': name } },
    })),
    ...TEAMS.map((entity) => ({
      command: 'fibery.entity/create',
      args: { type: 'Cricket/Team', entity: { 'fibery/id': teamIds.get(entity['Cricket/Name']), ...entity } },
    })),
    ...PLAYERS.map(({ 'Cricket/Current Team': team, ...entity }) => ({
      command: 'fibery.entity/create',
      args: {
        type: 'Cricket/Player',
        entity: {
          ...entity,
          'fibery/id': playerIds.get(entity['Cricket/Name']),
          'Cricket/Current Team': { 'fibery/id': teamIds.get(team) },
        },
      },
    })),
    // Brian Lara and Curtly Ambrose also played for a World XI here: a many-to-many example.
    {
      command: 'fibery.entity/add-collection-items',
      args: {
        type: 'Cricket/Team',
        field: 'Cricket/Former Players',
        entity: {
          [teamIds.get('World XI')!]: [playerIds.get('Brian Lara'), playerIds.get('Curtly Ambrose')],
        },
      },
    },
  ];
  const envelope = await runCommand(
    { command: 'fibery.command/batch', args: { commands: [SCHEMA, ...creates] } },
    context,
    context.log,
  );
  if (!envelope.success)
    throw new Error(
      `the sample space could not be created: ${envelope.result.name}: ${envelope.result.message}`,
    );
}
