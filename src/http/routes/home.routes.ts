/**
 * The console at `/`: the built single-page app (dist/console) with its hashed assets, and index.html for every
 * client route (an SPA fallback). The API's own paths (/api, /health, /metrics, /docs) are never shadowed: an
 * unknown path under them stays a problem+json 404. Without a built console, `/` explains how to build it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

const API_PREFIXES = ['/api', '/health', '/metrics', '/docs'];

const isApiPath = (pathname: string) => API_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`));

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Holdfast</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}
code{background:#f3f4f6;border-radius:4px;padding:.1rem .3rem}a{color:#0b5cad}</style></head>
<body><h1>Holdfast</h1>
<p>The console is not built in this checkout: run <code>npm run build</code> (or <code>npm ci</code>), then restart the service.</p>
<p>The API answers under <code>/api</code> with <code>Authorization: Bearer &lt;key&gt;</code>
(<code>npx holdfast keys create --role viewer</code> makes one).</p>
<ul><li><a href="/api/openapi.json">OpenAPI document</a></li><li><a href="/health">Health</a></li></ul>
</body></html>`;

/** Serves the console built into `consoleDir`, or the placeholder when it has no index.html. */
export async function homeRoutes(app: FastifyInstance, consoleDir: string | null): Promise<void> {
  const indexFile = consoleDir === null ? null : path.join(consoleDir, 'index.html');
  const index = indexFile !== null && fs.existsSync(indexFile) ? fs.readFileSync(indexFile) : null;
  const hidden = { schema: { hide: true }, config: { access: 'public' as const } };
  if (consoleDir === null || index === null) {
    app.get('/', hidden, async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(PLACEHOLDER));
    return;
  }

  await app.register(fastifyStatic, {
    root: consoleDir,
    prefix: '/',
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders(res, file) {
      // Vite names assets by content hash: they never change under one name.
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  const sendIndex = (_req: FastifyRequest, reply: FastifyReply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
  app.get('/', hidden, sendIndex);
  // No `access` here: the auth hook's default applies, so an unknown /api path without a key stays a 401.
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const pathname = req.url.split('?')[0]!;
    // A client route has no file extension; a missing asset or an API path is a plain 404.
    if (isApiPath(pathname) || /\.[A-Za-z0-9]+$/.test(pathname)) return reply.callNotFound();
    return sendIndex(req, reply);
  });
}
