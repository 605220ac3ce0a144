import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../app.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The start page, its examples written with this service's own address so they can be pasted as they are. */
function page(origin: string): string {
  const o = escape(origin);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Holdfast</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}
code,pre{background:#f3f4f6;border-radius:4px;padding:.1rem .3rem}pre{padding:.75rem;white-space:pre-wrap;overflow-wrap:anywhere}a{color:#0b5cad}</style></head>
<body><h1>Holdfast</h1>
<p>Backorders, preorders and available-to-promise dates. This service speaks HTTP under <code>${o}/api</code>;
every route there takes <code>Authorization: Bearer &lt;key&gt;</code> (the demo prints an admin key;
<code>npx holdfast keys create --role viewer</code> makes another).</p>
<ul><li><a href="/api/openapi.json">OpenAPI document</a> (no key needed)</li><li><a href="/health">Health</a></li></ul>
<pre>curl -H "Authorization: Bearer $KEY" "${o}/api/order-lines?statusReason=BackorderHold"
curl -H "Authorization: Bearer $KEY" "${o}/api/atp?sku=MN-270&amp;quantity=2"
curl -X POST -H "Authorization: Bearer $KEY" "${o}/api/jobs/backorder/runs?wait=true"</pre>
</body></html>`;
}

/** The page at `/`: where the API and its description are. */
export function homeRoutes(app: FastifyInstance, _deps: HttpDeps): void {
  app.get('/', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(page(`${request.protocol}://${request.host}`)),
  );
}
