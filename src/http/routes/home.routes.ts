/**
 * The console at `/`: the built single-page app (dist/console) with its hashed assets, and index.html for every
 * client route (an SPA fallback). The API's own paths (/api, /health, /metrics, /docs) are never shadowed: an
 * unknown path stays a problem+json 404. Without a built console, `/` explains how to build it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

/** The console's own addresses (web/src/App.tsx): only these get index.html, any other path stays a 404. */
const CLIENT_ROUTES = ['/orders', '/products', '/inventory', '/monitoring', '/settings', '/webhooks', '/keys'];

const isClientRoute = (pathname: string) => CLIENT_ROUTES.some((p) => pathname === p || pathname.startsWith(`${p}/`));

/** The service's own paths, never answered with the console. */
const SERVICE_PATHS = ['/api', '/health', '/metrics', '/docs', '/assets'];
const isServicePath = (pathname: string) => SERVICE_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`)) || /\.[A-Za-z0-9]+$/.test(pathname);

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page at `/` when the console is not built: how to build it, and the API's start page, its examples
 * written with this service's own address so they can be pasted as they are.
 */
function placeholder(origin: string): string {
  const o = escape(origin);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Holdfast</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}
code,pre{background:#f3f4f6;border-radius:4px;padding:.1rem .3rem}pre{padding:.75rem;white-space:pre-wrap;overflow-wrap:anywhere}a{color:#0b5cad}</style></head>
<body><h1>Holdfast</h1>
<p>The console is not built in this checkout: run <code>npm run build</code> (or <code>npm ci</code>), then restart the service.</p>
<p>Backorders, preorders and available-to-promise dates. This service speaks HTTP under <code>${o}/api</code>;
every route there takes <code>Authorization: Bearer &lt;key&gt;</code> (the demo prints an admin key;
<code>npx holdfast keys create --role viewer</code> makes another).</p>
<ul><li><a href="/api/openapi.json">OpenAPI document</a> (no key needed)</li><li><a href="/health">Health</a></li></ul>
<pre>curl -H "Authorization: Bearer $KEY" "${o}/api/order-lines?statusReason=BackorderHold"
curl -H "Authorization: Bearer $KEY" "${o}/api/atp?sku=MN-270&amp;quantity=2"
curl -X POST -H "Authorization: Bearer $KEY" "${o}/api/jobs/backorder/runs?wait=true"</pre>
</body></html>`;
}

/** Answers a request no route matched, when it is a client route of the console; false to leave it a 404. */
export type ConsoleFallback = (request: FastifyRequest, reply: FastifyReply) => boolean;

/**
 * Serves the console built into `consoleDir` (or the placeholder when it has no index.html), and answers the
 * fallback the not-found handler asks first: index.html for a GET of a client route. A fallback rather than a
 * catch-all route, so routing (405s, the length limit of path parameters) stays exactly the API's.
 */
export async function homeRoutes(app: FastifyInstance, consoleDir: string | null): Promise<ConsoleFallback> {
  const indexFile = consoleDir === null ? null : path.join(consoleDir, 'index.html');
  const index = indexFile !== null && fs.existsSync(indexFile) ? fs.readFileSync(indexFile) : null;
  const hidden = { schema: { hide: true }, config: { access: 'public' as const } };
  if (consoleDir === null || index === null) {
    app.get('/', hidden, async (request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(placeholder(`${request.protocol}://${request.host}`)),
    );
    return () => false;
  }

  await app.register(fastifyStatic, {
    root: consoleDir,
    prefix: '/',
    wildcard: false,
    index: false,
    // The build writes a .br and a .gz beside each asset: a browser that accepts one gets it.
    preCompressed: true,
    cacheControl: false,
    setHeaders(res, file) {
      // Vite names assets by content hash: they never change under one name.
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      // The same URL is sent compressed or not by what the browser accepts: a cache on the way must keep both apart.
      res.setHeader('vary', 'accept-encoding');
    },
  });

  const sendIndex = (reply: FastifyReply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
  app.get('/', hidden, async (_req, reply) => sendIndex(reply));
  return (request, reply) => {
    const pathname = request.url.split('?')[0]!;
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    if (isClientRoute(pathname)) {
      void sendIndex(reply);
      return true;
    }
    // A page a browser asks for at an address the console does not have (a mistyped link): the console, with a 404,
    // says so and offers its navigation. The API's paths, assets and clients that do not ask for HTML get the problem.
    if (!isServicePath(pathname) && /\btext\/html\b/.test(request.headers.accept ?? '')) {
      void sendIndex(reply.code(404));
      return true;
    }
    return false;
  };
}
