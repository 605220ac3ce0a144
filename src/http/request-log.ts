/**
 * The request log. `json` (serve): one JSON line per request at info with the method, URL, route, status and
 * time, and for a refused request (4xx) the problem type, so an integrator's mistakes are visible to the
 * operator. `line` (demo): one readable line per request on stdout. `none`: nothing.
 */
import type { FastifyInstance } from 'fastify';

export type RequestLog = 'json' | 'line' | 'none';

export function logRequests(app: FastifyInstance, mode: RequestLog): void {
  if (mode === 'none') return;
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const route = request.routeOptions.url ?? null;
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    const problem = status >= 400 ? reply.problemType : null;
    if (mode === 'line') {
      const time = new Date().toISOString().slice(11, 19);
      process.stdout.write(`${time} ${request.method} ${request.url} ${status} ${ms} ms${problem ? ` ${problem.replace('urn:holdfast:problem:', '')}` : ''}\n`);
      return;
    }
    const fields = { method: request.method, url: request.url, route, statusCode: status, responseTimeMs: ms, ...(problem ? { problem } : {}) };
    if (status >= 500) request.log.error(fields, 'request failed');
    else if (status >= 400) request.log.info(fields, 'request refused');
    else request.log.info(fields, 'request');
  });
}
