import type { FastifyInstance, FastifyRequest } from 'fastify';
import { escapeHtml, renderPage } from './html.ts';

/** The workspace home page. */
export function homeRoutes({
  resolveWorkspace,
}: {
  resolveWorkspace: (request: FastifyRequest) => Promise<void>;
}) {
  return async (app: FastifyInstance) => {
    app.get('/', { onRequest: resolveWorkspace, schema: { hide: true } }, async (request, reply) => {
      const { name, slug } = request.workspace;
      const body = `<main>
<h1>${escapeHtml(name)}</h1>
<p>Workspace <code>${escapeHtml(slug)}</code> on Weft.</p>
</main>`;
      return reply.type('text/html; charset=utf-8').send(renderPage({ title: `${name} · Weft`, body }));
    });
  };
}
