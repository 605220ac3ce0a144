/**
 * The HTTP application factory. It never listens: `serve` does, tests use `app.inject()`.
 *
 * Bodies are validated without type coercion (a quantity of "2" is refused) and with unknown fields refused;
 * query strings and path parameters are coerced from text. Every failure is problem+json.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import sjson from 'secure-json-parse';
import type { AppContext, Actor } from '../app/context.ts';
import type { KeyAuthenticator } from '../app/access/api-keys.ts';
import type { ManualClock } from '../app/clock.ts';
import { makeAjv } from './validation.ts';
import { errorHandler, problemOf, sendProblem } from './problem.ts';
import { bearerToken, mayAccess } from './access.ts';
import type { Access } from './access.ts';
import { catalogRoutes } from './routes/catalog.routes.ts';
import { inventoryRoutes } from './routes/inventory.routes.ts';
import { ordersRoutes } from './routes/orders.routes.ts';
import { settingsRoutes } from './routes/settings.routes.ts';
import { systemRoutes } from './routes/system.routes.ts';
import { jobsRoutes } from './routes/jobs.routes.ts';
import { homeRoutes } from './routes/home.routes.ts';
import { consoleRoutes } from './routes/console.routes.ts';
import type { JobsService } from '../jobs/jobs-service.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

export interface HttpDeps {
  readonly ctx: AppContext;
  readonly authenticator: KeyAuthenticator;
  /** Present when the service runs on a manual clock (`PUT /api/admin/clock`). */
  readonly manualClock: ManualClock | null;
  readonly jobs: JobsService;
}

export interface AppOptions {
  readonly logLevel?: string;
  /** The built console (index.html and assets) served at `/`; null or missing serves a placeholder page. */
  readonly consoleDir?: string | null;
}

export async function buildApp(deps: HttpDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logLevel && options.logLevel !== 'silent' ? { level: options.logLevel } : false,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });

  const bodyAjv = makeAjv(false);
  const textAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object));

  // JSON bodies: an empty body is no body (POST .../cancel with a content-type), prototype keys are refused.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (e) {
      const err = new Error(`malformed JSON body: ${(e as Error).message}`) as Error & { statusCode: number };
      err.statusCode = 400;
      done(err, undefined);
    }
  });
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problemOf('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)));

  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request, reply) => {
    // Under /api a route that names no access is admin-only: forgetting to say cannot open a route.
    const access = request.routeOptions.config?.access ?? (request.url.startsWith('/api/') ? 'admin' : 'public');
    if (access === 'public') return;
    const token = bearerToken(request.headers.authorization);
    const actor = token === null ? null : await deps.authenticator.authenticate(token);
    if (!actor) return sendProblem(reply, problemOf('unauthorized', 'send Authorization: Bearer <key> with a valid API key'));
    if (!mayAccess(actor.role, access)) return sendProblem(reply, problemOf('forbidden', `${/^[aeiou]/.test(actor.role) ? 'an' : 'a'} ${actor.role} key may not do this`));
    request.actor = actor;
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Holdfast', version: '0.1.0', description: 'Backorders, preorders and available-to-promise dates.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  await homeRoutes(app, options.consoleDir ?? null);
  for (const routes of [systemRoutes, catalogRoutes, inventoryRoutes, ordersRoutes, settingsRoutes, jobsRoutes, consoleRoutes]) routes(app, deps);
  app.get('/api/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
  return app;
}
