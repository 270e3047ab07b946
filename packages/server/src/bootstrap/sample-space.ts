/**
 * The demo workspace's sample space, after Fibery's documentation: a `Cricket` space with players and
 * teams, created through the same commands a client would send. (Linking players to teams waits for
 * relations.)
 */
import type { Principal } from '../auth/index.ts';
import { type CommandContext, runCommand } from '../commands/index.ts';

const text = (name: string, meta: Record<string, unknown> = {}) => ({
  'fibery/name': name,
  'fibery/type': 'fibery/text',
  'fibery/meta': meta,
});

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
    ],
  },
};

const PLAYERS = [
  {
    'Cricket/Name': 'Curtly Ambrose',
    'Cricket/Born': '1963-09-21',
    'Cricket/Shirt Number': 1,
    'Cricket/Height': 2.01,
    'Cricket/Retired?': true,
  },
  {
    'Cricket/Name': 'Brian Lara',
    'Cricket/Born': '1969-05-02',
    'Cricket/Shirt Number': 9,
    'Cricket/Height': 1.73,
    'Cricket/Retired?': true,
  },
  {
    'Cricket/Name': 'Ellyse Perry',
    'Cricket/Born': '1990-11-03',
    'Cricket/Shirt Number': 8,
    'Cricket/Height': 1.76,
    'Cricket/Retired?': false,
  },
  {
    'Cricket/Name': 'Virat Kohli',
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
];

/** Creates the sample space as `admin`, in one all-or-nothing batch; throws if any command fails. */
export async function createSampleSpace(
  context: Omit<CommandContext, 'principal'> & { principal: Principal },
) {
  const creates = [
    ...PLAYERS.map((entity) => ({
      command: 'fibery.entity/create',
      args: { type: 'Cricket/Player', entity },
    })),
    ...TEAMS.map((entity) => ({ command: 'fibery.entity/create', args: { type: 'Cricket/Team', entity } })),
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
