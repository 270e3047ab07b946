import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Auth } from '../auth/index.ts';
import { type CommandContext, commandLimits, describeSchema, runCommand } from '../commands/index.ts';
import type { Config } from '../config/index.ts';
import type { Storage } from '../storage/index.ts';
import type { ResolveWorkspace } from '../workspaces/index.ts';
import { CSP, type Html, html, joinHtml, renderPage, sendPage } from './html.ts';
import { createPageAuth, pageContext, pageUser } from './page-auth.ts';

interface SchemaField {
  'fibery/name': string;
  'fibery/type': string;
  'fibery/meta': Record<string, unknown>;
}
interface SchemaType {
  'fibery/name': string;
  'fibery/meta': Record<string, unknown>;
  'fibery/fields': SchemaField[];
}

/** Fibery's documented example: who am I? */
const WHO_AM_I = {
  command: 'fibery.entity/query',
  args: {
    query: {
      'q/from': 'fibery/user',
      'q/select': ['fibery/id', 'user/name', 'user/email'],
      'q/where': ['=', ['fibery/id'], '$my-id'],
      'q/limit': 1,
    },
  },
};

/** Commands to start from: Fibery's example, the schema, and the first rows of each database. */
function examples(types: SchemaType[]) {
  const list: { label: string; command: unknown }[] = [
    { label: "Who am I? (Fibery's documented example)", command: WHO_AM_I },
    { label: 'The schema: every database and field', command: { command: 'fibery.schema/query' } },
  ];
  for (const type of types) {
    const name = type['fibery/name'];
    if (type['fibery/meta']['fibery/enum?'] === true || name === 'fibery/user') continue;
    const title = type['fibery/fields'].find((f) => f['fibery/meta']['ui/title?'] === true)?.['fibery/name'];
    const relation = type['fibery/fields'].find(
      (f) => f['fibery/meta']['fibery/relation'] && f['fibery/meta']['fibery/collection?'] !== true,
    );
    const select: unknown[] = ['fibery/id', ...(title ? [title] : [])];
    if (relation) {
      const target = types.find((t) => t['fibery/name'] === relation['fibery/type']);
      const targetTitle = target?.['fibery/fields'].find((f) => f['fibery/meta']['ui/title?'] === true);
      if (targetTitle) select.push({ [relation['fibery/name']]: ['fibery/id', targetTitle['fibery/name']] });
    }
    list.push({
      label: `The first 10 of ${name}`,
      command: {
        command: 'fibery.entity/query',
        args: {
          query: {
            'q/from': name,
            'q/select': select,
            ...(title ? { 'q/order-by': [[[title], 'q/asc']] } : {}),
            'q/limit': 10,
          },
        },
      },
    });
  }
  return list;
}

/** A field's type in words: the primitive type, a single select, or where a relation goes and how many. */
function fieldType(field: SchemaField, types: Map<string, SchemaType>): Html {
  const target = types.get(field['fibery/type']);
  const code = html`<code>${field['fibery/type']}</code>`;
  if (!target) return code;
  if (target['fibery/meta']['fibery/enum?'] === true) return html`single select ${code}`;
  return html`${field['fibery/meta']['fibery/collection?'] === true ? 'many' : 'one'} ${code}`;
}

function schemaBrowser(types: SchemaType[], values: Map<string, string[]>): Html {
  const byName = new Map(types.map((t) => [t['fibery/name'], t]));
  const databases = types.map((type) => {
    const name = type['fibery/name'];
    const fields = type['fibery/fields'].map(
      (f) =>
        html`<tr><td data-label="Field"><code class="field">${f['fibery/name']}</code></td><td data-label="Type">${fieldType(f, byName)}</td></tr>`,
    );
    const enumValues = values.get(name);
    const kind = type['fibery/meta']['fibery/enum?'] === true ? ' (single select)' : '';
    return html`<details>
<summary><code>${name}</code>${kind} <span class="muted">${type['fibery/fields'].length} fields</span></summary>
${
  enumValues
    ? html`<p>Values: ${
        enumValues.length > 0
          ? joinHtml(
              enumValues.map((v) => html`<code>${v}</code>`),
              ', ',
            )
          : 'none yet'
      }</p>`
    : ''
}
<table>
<caption class="visually-hidden">Fields of ${name}</caption>
<thead><tr><th scope="col">Field</th><th scope="col">Type</th></tr></thead>
<tbody>
${fields}
</tbody>
</table>
</details>`;
  });
  return html`<section aria-labelledby="schema-heading">
<h2 id="schema-heading">Schema</h2>
<p>${types.length} databases. Open one to see its fields, their types and where relations go.</p>
${databases}
</section>`;
}

function consoleSection(list: { label: string; command: unknown }[]): Html {
  const options = list.map(
    (e, i) =>
      html`<option value="${JSON.stringify(e.command, null, 2)}"${i === 0 ? ' selected' : ''}>${e.label}</option>`,
  );
  return html`<section aria-labelledby="console-heading">
<h2 id="console-heading">API console</h2>
<p>Run a command of <code>POST /api/commands</code> as you, with this browser's session. It counts against your rate limits like any request.</p>
<label for="console-example">Examples</label>
<select id="console-example">
${options}
</select>
<label for="console-command">Command (JSON: one command or an array of them)</label>
<textarea id="console-command" rows="14" spellcheck="false" autocomplete="off">${JSON.stringify(list[0]!.command, null, 2)}</textarea>
<div class="actions">
<button type="button" id="console-run" class="primary">Run</button>
<button type="button" id="console-curl">Copy as curl</button>
<span class="muted">Ctrl+Enter runs.</span>
</div>
<p id="console-status" role="status" aria-live="polite"></p>
<pre id="console-output" class="output" tabindex="0" aria-label="Answer"></pre>
</section>`;
}

/**
 * The workspace home page, for signed-in users (others are sent to the login page): who you are, the
 * schema browser, and the API console, which runs commands with the session (weft.js sends them).
 */
export function homeRoutes({
  auth,
  resolveWorkspace,
  storage,
  config,
}: {
  auth: Auth;
  resolveWorkspace: ResolveWorkspace;
  storage: Storage;
  config: Config;
}) {
  const pageAuth = createPageAuth(auth);
  const limits = commandLimits(config);

  /** The values of each single-select database, read as the user would query them. */
  async function enumValues(request: FastifyRequest, types: SchemaType[]) {
    const log = { log: request.log, requestId: request.id };
    const context: CommandContext = { principal: request.principal, db: storage, limits, clock: Date, log };
    const values = new Map<string, string[]>();
    for (const type of types.filter((t) => t['fibery/meta']['fibery/enum?'] === true)) {
      const envelope = await runCommand(
        {
          command: 'fibery.entity/query',
          args: { query: { 'q/from': type['fibery/name'], 'q/select': ['enum/name'], 'q/limit': 100 } },
        },
        context,
        log,
      );
      if (envelope.success) {
        values.set(
          type['fibery/name'],
          (envelope.result as { 'enum/name': string }[]).map((row) => row['enum/name']),
        );
      }
    }
    return values;
  }

  return async (app: FastifyInstance) => {
    app.get(
      '/',
      { onRequest: [resolveWorkspace, pageAuth], schema: { hide: true } },
      async (request, reply) => {
        const { workspace } = request.principal;
        const user = pageUser(request);
        const schema = await describeSchema(storage, workspace.id);
        const types = (schema['fibery/types'] as unknown as SchemaType[]).filter(
          (t) => t['fibery/meta']['fibery/primitive?'] !== true,
        );
        const body = html`<h1>${workspace.name}</h1>
<p>Signed in as ${user.name} (${user.email}), ${user.role} of workspace <code>${workspace.slug}</code>. Programs call this workspace's API with an API token: create one on the <a href="/settings/api-tokens">API Tokens</a> page.</p>
${consoleSection(examples(types))}
${schemaBrowser(types, await enumValues(request, types))}`;
        return sendPage(reply, renderPage({ ...pageContext(request), title: 'Home', body }), {
          csp: CSP.CONSOLE,
        });
      },
    );
  };
}
