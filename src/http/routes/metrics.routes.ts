import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../app.ts';

/**
 * `GET /metrics` (no key): Prometheus text format. Every answered request is counted by its route pattern
 * (never the raw url, so ids do not make new series) and status code, with its duration.
 */
export function metricsRoutes(app: FastifyInstance, { metrics }: HttpDeps): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpAnswered(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get(
    '/metrics',
    { schema: { produces: ['text/plain'], response: { 200: { type: 'string', description: 'Prometheus text exposition format 0.0.4' } } }, config: { access: 'public' } },
    async (_req, reply) => reply.type(metrics.contentType).send(await metrics.text()),
  );
}
