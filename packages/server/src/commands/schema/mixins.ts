/**
 * `fibery.app/install-mixins`: `{"types": {"Cricket/Player": ["fibery/rank-mixin", …]}}`, after a
 * database is created. Each mixin adds its fields, in one transaction with its DDL:
 * - `fibery/rank-mixin`: `fibery/rank`, existing entities ranked by public id, new ones after the last;
 * - `workflow/workflow`: a `workflow/state_<Database>` enum with the states Open, In Progress and
 *   Done, and a required `workflow/state` field defaulting to Open (existing entities too);
 * - `assignments/assignments-mixin`: the `assignments/assignees` collection of users.
 * A mixin already installed is left as it is; one not listed here is refused, never faked.
 */
import { randomUUID } from 'node:crypto';
import {
  builtInType,
  type CommandHandler,
  commandError,
  isObject,
  quote,
  show,
  typeNotFound,
} from '../core/index.ts';
import { addField } from './add-field.ts';
import { currentSchema, inSchemaChange, type SchemaChange } from './change.ts';
import { createEnum } from './type-commands.ts';

const STATES = [
  { name: 'Open', type: 'Not started', final: false, color: '#99A2AB' },
  { name: 'In Progress', type: 'Started', final: false, color: '#FBA32F' },
  { name: 'Done', type: 'Finished', final: true, color: '#2BB673' },
];

async function typeNamed(change: SchemaChange, name: string) {
  return (await currentSchema(change)).find((t) => t.name === name)!;
}

const MIXINS: Record<string, (change: SchemaChange, typeName: string) => Promise<void>> = {
  async 'fibery/rank-mixin'(change, typeName) {
    const field = await addField(change, typeName, {
      name: 'fibery/rank',
      fiberyType: 'fibery/rank',
      meta: {},
    });
    const type = await typeNamed(change, typeName);
    await change.tx.runStatement(
      `UPDATE ${type.tableName} SET ${field.columnName} = public_id * 1000000`,
      [],
    );
  },

  async 'workflow/workflow'(change, typeName) {
    const states = await createEnum(change, `workflow/state_${typeName}`, { 'workflow/workflow?': true }, [
      { name: 'workflow/Final', fiberyType: 'fibery/bool', meta: {} },
      { name: 'workflow/Type', fiberyType: 'fibery/text', meta: {} },
    ]);
    const column = (name: string) => states.fields.find((f) => f.name === name)!.columnName;
    const ids: string[] = [];
    for (const [i, state] of STATES.entries()) {
      const id = randomUUID();
      ids.push(id);
      await change.tx.runStatement(
        `INSERT INTO ${states.tableName} (id, public_id, creation_date, modification_date, created_by, ${column('enum/name')}, ${column('enum/color')}, ${column('fibery/rank')}, ${column('workflow/Final')}, ${column('workflow/Type')})
         VALUES ($1, $2, $3, $3, NULL, $4, $5, $6, $7, $8)`,
        [
          id,
          await change.tx.nextPublicId(states.id),
          change.now,
          state.name,
          state.color,
          (i + 1) * 1_000_000,
          state.final,
          state.type,
        ],
      );
    }
    const field = await addField(change, typeName, {
      name: 'workflow/state',
      fiberyType: states.name,
      meta: { 'fibery/required?': true, 'fibery/default-value': { 'fibery/id': ids[0] } },
    });
    const type = await typeNamed(change, typeName);
    await change.tx.runStatement(`UPDATE ${type.tableName} SET ${field.columnName} = $1`, [ids[0]!]);
  },

  async 'assignments/assignments-mixin'(change, typeName) {
    await addField(change, typeName, {
      name: 'assignments/assignees',
      fiberyType: 'fibery/user',
      meta: { 'fibery/collection?': true },
    });
  },
};

/**
 * Installs the mixins `args.types` names, within a schema change: on its own (the command below) or as
 * a sub-command of `fibery.schema/batch` right after the database's `schema.type/create`, as both JS
 * clients create a database.
 */
export async function applyMixins(args: Record<string, unknown>, change: SchemaChange): Promise<void> {
  const wanted = args.types;
  if (!isObject(wanted) || Object.keys(wanted).length === 0)
    throw commandError(
      'schema.error/invalid-command',
      'args.types maps a database to its mixins: {"Space/Database": ["fibery/rank-mixin"]}.',
    );
  for (const [typeName, mixins] of Object.entries(wanted)) {
    const type = (await currentSchema(change)).find((t) => t.name === typeName);
    if (typeName === 'fibery/user') throw builtInType();
    if (!type || type.meta['fibery/enum?'] === true) throw typeNotFound(typeName);
    if (!Array.isArray(mixins))
      throw commandError('schema.error/invalid-command', `The mixins of "${typeName}" are a list.`);
    for (const mixin of mixins) {
      const install = typeof mixin === 'string' && Object.hasOwn(MIXINS, mixin) ? MIXINS[mixin] : undefined;
      if (!install)
        throw commandError(
          'schema.error/unsupported-mixin',
          `Mixin ${show(mixin, 100)} is not one this server implements.`,
          { mixin: quote(mixin, 100) },
        );
      const current = (await typeNamed(change, typeName)).meta;
      const installed = isObject(current['app/mixins']) ? current['app/mixins'] : {};
      if (installed[mixin] === true) continue;
      await install(change, typeName);
      await change.tx.updateSchemaType(type.id, {
        meta: { ...current, 'app/mixins': { ...installed, [mixin]: true } },
      });
    }
  }
}

export const installMixins: CommandHandler = {
  privilege: 'schema',
  async run(args, context) {
    await inSchemaChange(context, (change) => applyMixins(args, change));
    return 'ok';
  },
};
