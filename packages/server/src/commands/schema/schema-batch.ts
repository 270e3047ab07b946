/**
 * `fibery.schema/batch`: schema sub-commands applied in one transaction together with the DDL that
 * keeps each database's table in step, so a failing sub-command leaves neither rows nor tables
 * behind. Table and column names are generated; names from the request are only stored as data.
 *
 * `fibery/user` takes fields too. They are stored like a database's, as a database named
 * `fibery/user` whose table (its "extension") has one row per user that has a value, keyed by the
 * user's id and created when first written; the built-in fields stay where accounts keep them.
 */
import { type CommandHandler, isObject, show } from '../core/index.ts';
import { inSchemaChange, type SchemaChange } from './change.ts';
import { createField, deleteField, deleteFieldMeta, renameField, setFieldMeta } from './field-commands.ts';
import { applyMixins } from './mixins.ts';
import { invalidCommand } from './names.ts';
import { createEnumCommand, createType, deleteType, renameType, setTypeMeta } from './type-commands.ts';

const SUB_COMMANDS: Record<string, (args: Record<string, unknown>, change: SchemaChange) => Promise<void>> = {
  'schema.type/create': createType,
  'schema.type/rename': renameType,
  'schema.type/delete': deleteType,
  'schema.type/set-meta': setTypeMeta,
  'schema.field/create': createField,
  'schema.field/rename': renameField,
  'schema.field/delete': deleteField,
  'schema.field/set-meta': setFieldMeta,
  'schema.field/delete-meta': deleteFieldMeta,
  'schema.enum/create': createEnumCommand,
  // Both JS clients install the rank mixin in the batch that creates the database.
  'fibery.app/install-mixins': (args, change) => applyMixins(args, change),
};

export const schemaBatch: CommandHandler = {
  privilege: 'schema',
  async run(args, context) {
    const commands = args.commands;
    if (!Array.isArray(commands) || commands.length === 0)
      throw invalidCommand('fibery.schema/batch takes {"commands": [{"command", "args"}, …]}.');
    await inSchemaChange(context, async (change) => {
      for (const command of commands) {
        const run =
          isObject(command) &&
          typeof command.command === 'string' &&
          Object.hasOwn(SUB_COMMANDS, command.command)
            ? SUB_COMMANDS[command.command]
            : undefined;
        if (!run || (command.args != null && !isObject(command.args))) {
          throw invalidCommand(
            `Unknown or malformed schema command ${show(isObject(command) ? command.command : command)?.slice(0, 100)}.`,
          );
        }
        await run((command.args ?? {}) as Record<string, unknown>, change);
      }
    });
    return 'ok';
  },
};
