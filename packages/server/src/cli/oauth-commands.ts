import { formatClient, rotateSigningKey } from '../auth/index.ts';
import { type CliCommand, requiredValue, UsageError } from './command.ts';
import { formatTable } from './table.ts';

export const clientCreateCommand: CliCommand = {
  name: 'client create',
  summary: 'Register an OAuth app; prints its client_id and client_secret (shown once).',
  usage: '--name N --redirect-uri U [--redirect-uri U2 ...] [--public]',
  options: {
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    public: { type: 'boolean' },
  },
  required: ['name'],
  async run(context) {
    const uris = context.values['redirect-uri'];
    if (!Array.isArray(uris) || uris.length === 0) throw new UsageError('missing --redirect-uri');
    const oauth = await context.oauth();
    const { client, secret } = await oauth.clients.create({
      name: requiredValue(context, 'name'),
      redirectUris: uris,
      isPublic: context.values.public === true,
    });
    const text = [
      `Registered OAuth app "${client.name}" (${secret === null ? 'public: PKCE, no secret' : 'confidential'}).`,
      `client_id:     ${client.id}`,
      ...(secret === null ? [] : [`client_secret: ${secret}`, '(shown once, keep it secret)']),
      ...client.redirectUris.map((uri) => `redirect_uri:  ${uri}`),
    ].join('\n');
    context.print({ client_id: client.id, client_secret: secret, redirect_uris: client.redirectUris }, text);
    return 0;
  },
};

export const clientListCommand: CliCommand = {
  name: 'client list',
  summary: 'List the OAuth apps (never their secrets).',
  usage: '',
  options: {},
  async run(context) {
    const oauth = await context.oauth();
    const clients = (await oauth.clients.list()).map(formatClient);
    const text = formatTable(
      ['CLIENT ID', 'NAME', 'TYPE', 'CREATED', 'REDIRECT URIS'],
      clients.map((c) => [c.client_id, c.name, c.type, c.created_at, c.redirect_uris.join(' ')]),
      'No OAuth apps. Register one: weft client create --name N --redirect-uri U',
    );
    context.print({ clients }, text);
    return 0;
  },
};

export const clientDeleteCommand: CliCommand = {
  name: 'client delete',
  summary: 'Delete an OAuth app; its codes and tokens stop working at once.',
  usage: 'ID',
  positional: 'id',
  options: { id: { type: 'string' } },
  required: ['id'],
  async run(context) {
    const id = requiredValue(context, 'id');
    const oauth = await context.oauth();
    await oauth.clients.delete(id);
    context.print(
      { client_id: id, deleted: true },
      `Deleted OAuth app ${id} and revoked everything it held.`,
    );
    return 0;
  },
};

export const clientRotateSecretCommand: CliCommand = {
  name: 'client rotate-secret',
  summary: 'Give an OAuth app a new client_secret (shown once); the old one stops working at once.',
  usage: 'ID',
  positional: 'id',
  options: { id: { type: 'string' } },
  required: ['id'],
  async run(context) {
    const id = requiredValue(context, 'id');
    const oauth = await context.oauth();
    const { secret } = await oauth.clients.rotateSecret(id);
    context.print(
      { client_id: id, client_secret: secret },
      `New client_secret for ${id} (shown once, keep it secret):\n${secret}`,
    );
    return 0;
  },
};

export const keysRotateCommand: CliCommand = {
  name: 'keys rotate',
  summary: 'Add a new OAuth signing key: new ID tokens use it; those signed before keep verifying.',
  usage: '',
  options: {},
  async run(context) {
    const storage = await context.storage();
    const kid = await rotateSigningKey(storage, context.config.secretKey, Date.now());
    context.print({ kid }, `Added signing key ${kid}; it signs from the next token on.`);
    return 0;
  },
};
