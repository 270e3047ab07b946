/**
 * A failed command, as Fibery reports it inside the 200 response of `/api/commands`:
 * `{"success": false, "result": {"name", "message", "data"}}`. `name` is stable (Fibery's style,
 * `entity.error/schema-type-not-found`); the message is for people.
 */
import { didYouMean } from '../../text/index.ts';
export class CommandError extends Error {
  readonly errorName: string;
  readonly data: Record<string, unknown>;

  constructor(errorName: string, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CommandError';
    this.errorName = errorName;
    this.data = data;
  }
}

/** Every command error name, with a one-line doc: the catalogue for docs/errors.md. */
export const COMMAND_ERRORS = {
  'command.error/unknown-command': 'The command name is not one this server implements.',
  'command.error/invalid-command':
    'The command object is malformed: `command` must be a string, `args` an object.',
  'command.error/internal': 'An unexpected failure; the server log has the detail under the request id.',
  'command.error/time-limit':
    "The request's commands ran longer than WEFT_COMMAND_TIME_LIMIT_MS and were stopped (a batch rolled back); commands after it were not run.",
  'command.error/database-busy':
    'The database was too busy to run this command, which changed nothing; nor were the commands after it run. Retry later.',
  'command.error/forbidden': 'The caller’s role lacks the privilege the command needs; the message names it.',
  'entity.error/invalid-query': 'The query is malformed; the message says which clause and why.',
  'command.error/too-deep':
    'The command object nests deeper than the server accepts (256 levels of arrays and objects).',
  'entity.error/query-too-deep': 'The query nests deeper than the server accepts (64 levels).',
  'entity.error/query-too-large':
    'The query asks for more than one query may (conditions, list values, joins, columns…); `data.limit` names the bound and `data.max` its value.',
  'entity.error/invalid-operator':
    'The operator does not apply to the field: text operators take text, `<` and `>` numbers, dates and text.',
  'entity.error/invalid-aggregate':
    '`q/sum` and `q/avg` take numbers, `q/min` and `q/max` numbers, dates and text.',
  'entity.error/schema-type-not-found': '`q/from` names no database of this workspace.',
  'entity.error/schema-field-not-found': 'A field named in the query does not exist on its database.',
  'entity.error/parameter-not-found': 'The query uses a `$param` that `params` does not give.',
  'entity.error/invalid-parameter': 'A parameter value has the wrong type for the field it is compared with.',
  'entity.error/invalid-limit':
    '`q/limit` is not a whole number from 0 to the maximum, nor `q/no-limit`; or `q/offset` is negative.',
  'entity.error/type-read-only':
    'Entities of this database cannot be created, changed or deleted through commands (fibery/user).',
  'entity.error/field-read-only':
    'The field is set by the server (fibery/public-id, creation and modification dates).',
  'entity.error/invalid-value':
    'A field value has the wrong type for its field; the message says what it must be.',
  'entity.error/entity-not-found': 'No entity of this database has the given fibery/id.',
  'entity.error/entity-exists': 'An entity with the given fibery/id exists already.',
  'schema.error/invalid-command': 'A schema sub-command is unknown or malformed.',
  'schema.error/invalid-name':
    'A database or field name is not "Space/Name" (1-100 printable characters each side, no other "/", no invisible or bidirectional controls), or is reserved.',
  'schema.error/type-exists': 'A database with this name exists already.',
  'schema.error/field-exists': 'The database has a field with this name already.',
  'entity.error/related-entity-not-found':
    'A relation, collection item or enum value names an entity that does not exist in its database.',
  'entity.error/collection-not-settable':
    'Collections are not set by create or update: use fibery.entity/add-collection-items afterwards.',
  'entity.error/not-a-collection': 'add- and remove-collection-items take a collection field.',
  'entity.error/invalid-conflict-field':
    'The upsert conflict field is missing, unknown, or not of type fibery/text, fibery/int or fibery/date.',
  'schema.error/unsupported-field-type':
    'The field type is neither a primitive type nor a database of the workspace.',
  'schema.error/invalid-relation':
    'The relation sides do not match (holder and type must mirror each other), or the relation has both sides already.',
  'schema.error/type-in-use':
    'Other databases have fields pointing to this one; delete them first or pass "delete-related-fields?": true.',
  'schema.error/type-has-entities':
    'The database has entities; delete them first or pass "delete-entities?": true.',
  'schema.error/built-in-type':
    'fibery/user is built in: fields can be added to it, but it cannot be renamed, deleted, given mixins or have its meta changed.',
  'schema.error/unsupported-mixin':
    'The mixin is not one this server implements (fibery/rank-mixin, workflow/workflow, assignments/assignments-mixin).',
} as const;

export type CommandErrorName = keyof typeof COMMAND_ERRORS;

export function commandError(
  name: Exclude<CommandErrorName, 'command.error/internal'>,
  message: string,
  data: Record<string, unknown> = {},
) {
  return new CommandError(name, message, data);
}

/**
 * Any value from a request, as a message may quote it: a string as it is, anything else as JSON, at
 * most `max` characters. Never `String(value)`: an object whose `toString` is not a function throws.
 */
export function quote(value: unknown, max = 200): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? typeof value);
  return text.slice(0, max);
}

/** Any value from a request as JSON, at most `max` characters (`undefined` stays undefined). */
export const show = (value: unknown, max = 200) => JSON.stringify(value)?.slice(0, max);

/** A database name that names no database of the workspace (`known`: its names, for a suggestion). */
export const typeNotFound = (name: unknown, known: Iterable<string> = []) => {
  const hint = didYouMean(name, known);
  return commandError(
    'entity.error/schema-type-not-found',
    `"${quote(name)}" database was not found.${hint.text}`,
    {
      type: quote(name),
      ...hint.data,
    },
  );
};

/** A field name that names no field of `type` (`known`: its fields, for a suggestion). */
export const fieldNotFound = (type: string, name: unknown, known: Iterable<string> = []) => {
  const hint = didYouMean(name, known);
  return commandError(
    'entity.error/schema-field-not-found',
    `"${quote(name)}" field was not found in "${type}" database.${hint.text}`,
    { type, field: quote(name), ...hint.data },
  );
};

/** A change to `fibery/user` itself, which only its fields may have. */
export const builtInType = () =>
  commandError(
    'schema.error/built-in-type',
    '"fibery/user" is built in: fields can be added to it, but it cannot be renamed, deleted or given mixins, nor its meta changed.',
    { type: 'fibery/user' },
  );
