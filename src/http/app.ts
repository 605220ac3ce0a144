/**
 * The HTTP application factory. It never listens: `serve` does, tests use `app.inject()`.
 *
 * Bodies are validated without type coercion (a quantity of "2" is refused) and with unknown fields refused;
 * query strings and path parameters are coerced from text. Every error the service sends is problem+json,
 * whatever produced it: our handlers, validation, the body parsers, the router (a bad percent-encoding, an
 * over-long path segment, an unknown route or method) and Node's HTTP parser (a malformed request, oversize
 * headers, a client too slow to send its request: 408).
 */
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import sjson from 'secure-json-parse';
import type { AppContext, Actor } from '../app/context.ts';
import type { KeyAuthenticator } from '../app/access/api-keys.ts';
import type { ManualClock } from '../app/clock.ts';
import { AppError } from '../app/errors.ts';
import type { Timeouts } from '../config/config.ts';
import { makeAjv, strictIntegers } from '../app/validation.ts';
import { errorHandler, frameworkError, problemOf, sendProblem, unsupportedTypeDetail, writeRawProblem } from './problem.ts';
import { bearerToken, forbiddenDetail, mayAccess } from './access.ts';
import type { Access } from './access.ts';
import { logRequests } from './request-log.ts';
import type { RequestLog } from './request-log.ts';
import { CSV_BODY_MARK, isSpooledCsv, spoolCsv, removeSpool } from './csv-upload.ts';
import { catalogRoutes } from './routes/catalog.routes.ts';
import { inventoryRoutes } from './routes/inventory.routes.ts';
import { ordersRoutes } from './routes/orders.routes.ts';
import { settingsRoutes } from './routes/settings.routes.ts';
import { systemRoutes } from './routes/system.routes.ts';
import { jobsRoutes } from './routes/jobs.routes.ts';
import { keysRoutes } from './routes/keys.routes.ts';
import { homeRoutes } from './routes/home.routes.ts';
import type { ConsoleFallback } from './routes/home.routes.ts';
import { consoleRoutes } from './routes/console.routes.ts';
import { promiseRoutes } from './routes/promise.routes.ts';
import { integrityRoutes } from './routes/integrity.routes.ts';
import { webhooksRoutes } from './routes/webhooks.routes.ts';
import { metricsRoutes } from './routes/metrics.routes.ts';
import { enrichDocument } from './openapi/enrich-document.ts';
import { compileSerializer } from './serializer.ts';
import type { JobsService } from '../jobs/jobs-service.ts';
import type { WebhookDispatcher } from '../jobs/webhook-dispatcher.ts';
import type { PrometheusMetrics } from '../app/monitoring/prometheus-metrics.ts';

export type { RequestLog };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** The body types the route takes (default: application/json). */
    accepts?: readonly string[];
  }
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyReply {
    /** The problem type of an error answer, for the request log. */
    problemType: string | null;
  }
}

export interface HttpDeps {
  readonly ctx: AppContext;
  readonly authenticator: KeyAuthenticator;
  /** Present when the service runs on a manual clock (`PUT /api/admin/clock`). */
  readonly manualClock: ManualClock | null;
  readonly jobs: JobsService;
  /** The webhook dispatcher (running in `serve`; its agent sends one delivery now for ping and redeliver). */
  readonly webhooks: WebhookDispatcher;
  readonly metrics: PrometheusMetrics;
}

export interface AppOptions {
  readonly logLevel?: string;
  /** One JSON line per request (serve), one readable line (demo), or none. */
  readonly requestLog?: RequestLog;
  readonly timeouts?: Timeouts;
  /** Where JSON log lines go (stdout by default; tests read them). */
  readonly logStream?: { write(line: string): void };
  /** The built console (index.html and assets) served at `/`; null or missing serves a placeholder page. */
  readonly consoleDir?: string | null;
}

/** The query string of a route that takes no query parameters. */
const NO_QUERY = { type: 'object', properties: {}, additionalProperties: false } as const;

const DEFAULT_TIMEOUTS: Timeouts = { requestMs: 60_000, headersMs: 10_000, keepAliveMs: 10_000, idleMs: 300_000 };
export const JSON_TYPES = ['application/json'] as const;

export async function buildApp(deps: HttpDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const app = Fastify({
    logger: options.logLevel && options.logLevel !== 'silent' ? { level: options.logLevel, ...(options.logStream ? { stream: options.logStream } : {}) } : false,
    // Requests are logged by request-log.ts, one line each.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Long path segments reach validation, which names the field; only absurd ones are refused as a 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      headersTimeout: timeouts.headersMs,
      // Node checks the request and header timeouts at this interval (30 s by default).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(timeouts.headersMs / 4))),
    },
    frameworkErrors: frameworkError,
    clientErrorHandler: (error, socket) => writeRawProblem(error, socket, timeouts),
  });

  const bodyAjv = makeAjv(false);
  const textAjv = makeAjv(true);
  app.setSerializerCompiler(compileSerializer);
  app.setValidatorCompiler(({ schema, httpPart }) => {
    // A CSV body arrives spooled to a file (csv-upload.ts); its rows are checked as they are read.
    if (httpPart === 'body' && (schema as Record<string, unknown>)[CSV_BODY_MARK] === true) return (body: unknown) => isSpooledCsv(body);
    return httpPart === 'body' ? bodyAjv.compile(schema as object) : strictIntegers(schema, textAjv.compile(schema as object));
  });

  // JSON bodies: an empty body is no body (POST .../cancel with a content-type), prototype keys are refused.
  // CSV uploads are spooled to a temporary file as they arrive (memory stays small) and parsed from there.
  // No other type is parsed: anything else is a 415 naming what the route takes.
  app.removeAllContentTypeParsers();
  // Text that is not UTF-8, or a string with half a surrogate pair (an escape such as "\ud800" alone), is refused: it
  // would be stored as replacement characters, so two different values the client sent could become the same one.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    let text: string;
    try {
      text = UTF8.decode(body as Buffer);
    } catch {
      return done(new AppError('validation', 'the body is not valid UTF-8 text; send JSON encoded as UTF-8', [{ path: '', message: 'is not UTF-8' }]), undefined);
    }
    if (text.trim() === '') return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (e) {
      return done(new AppError('validation', `the body is not valid JSON: ${(e as Error).message}`, [{ path: '', message: 'is not valid JSON' }]), undefined);
    }
    const broken = text.includes('\\u') ? halfSurrogate(parsed) : null;
    if (broken !== null) return done(new AppError('validation', `${broken || 'the body'} has half of a UTF-16 surrogate pair; send whole characters`, [{ path: broken, message: 'has half of a UTF-16 surrogate pair' }]), undefined);
    done(null, parsed);
  });
  app.addContentTypeParser('text/csv', (request: FastifyRequest, payload: NodeJS.ReadableStream) => spoolCsv(request, payload));
  app.addHook('onResponse', async (request) => removeSpool(request));

  app.setErrorHandler(errorHandler);
  const routes: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    // An API route without query parameters refuses any (unknown fields anywhere are a 400), so a client that
    // sends ?dryRun=true where there is none is told rather than served a real write.
    if (route.url.startsWith('/api/') && !route.schema?.querystring) route.schema = { ...route.schema, querystring: NO_QUERY };
    const pattern = new RegExp(`^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`);
    for (const method of [route.method].flat()) routes.push({ method, pattern });
  });
  let consoleFallback: ConsoleFallback = () => false;
  app.setNotFoundHandler((request, reply) => {
    if (consoleFallback(request, reply)) return;
    const path = request.url.split('?')[0]!;
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].filter((m) => m !== 'HEAD');
    if (allowed.length) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(reply, problemOf('method_not_allowed', `${path} does not take ${request.method}; it takes ${allowed.join(', ')}`));
    }
    return sendProblem(reply, problemOf('not_found', `there is no route ${request.method} ${path}; the API is described at /api/openapi.json`));
  });

  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateReply('problemType', null);
  app.addHook('onRequest', async (request, reply) => {
    // Under /api a route that names no access is admin-only: forgetting to say cannot open a route.
    const access = request.routeOptions.config?.access ?? (request.url.startsWith('/api/') ? 'admin' : 'public');
    if (access === 'public') return;
    const token = bearerToken(request.headers.authorization);
    const actor = token === null ? null : await deps.authenticator.authenticate(token);
    if (!actor) {
      const detail = token === null ? 'send the header Authorization: Bearer <key> with an API key (npx holdfast keys create --role viewer makes one)' : 'the API key is not known or was revoked';
      return sendProblem(reply, problemOf('unauthorized', detail));
    }
    if (!mayAccess(actor.role, access)) return sendProblem(reply, problemOf('forbidden', forbiddenDetail(actor.role, access)));
    request.actor = actor;
  });
  // A body of a type the route does not take is refused before it is read, naming the types it does take.
  app.addHook('preParsing', async (request: FastifyRequest, _reply: FastifyReply, payload) => {
    const type = request.headers['content-type'];
    if (!hasBody(request)) return payload;
    // Bodies are read as sent: a compressed one would be read as garbage and refused for its bytes, so say why.
    const coding = request.headers['content-encoding']?.trim().toLowerCase();
    if (coding && coding !== 'identity') throw new AppError('unsupported_media_type', `Content-Encoding ${coding} is not accepted; send the body uncompressed`);
    if (type === undefined) return payload;
    const accepts = request.routeOptions.config?.accepts ?? JSON_TYPES;
    const media = type.split(';')[0]!.trim().toLowerCase();
    if (!accepts.includes(media)) throw new AppError('unsupported_media_type', unsupportedTypeDetail(type, accepts));
    return payload;
  });

  logRequests(app, options.requestLog ?? 'json');

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Holdfast', version: '0.1.0', description: 'Backorders, preorders and available-to-promise dates.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transformObject: (document) => enrichDocument('openapiObject' in document ? document.openapiObject : document.swaggerObject),
  });

  consoleFallback = await homeRoutes(app, options.consoleDir ?? null);
  const all = [systemRoutes, metricsRoutes, catalogRoutes, inventoryRoutes, ordersRoutes, promiseRoutes, settingsRoutes, jobsRoutes, keysRoutes, integrityRoutes, webhooksRoutes, consoleRoutes];
  for (const routes of all) routes(app, deps);
  app.get('/api/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
  // The interactive reference, served from the package's own files (no CDN), in a context of its own.
  await app.register(async (docs) => {
    await docs.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, docExpansion: 'list' } });
  });
  return app;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The JSON Pointer of a string (or key) in `value` that is not well-formed UTF-16; null when all are. Walked with a
 * stack of its own, so a deeply nested body cannot overflow the call stack.
 */
function halfSurrogate(value: unknown): string | null {
  // Each node keeps its key and its parent; the pointer is spelled only for the node found (at most 200 characters).
  interface Node {
    readonly value: unknown;
    readonly key: string | null;
    readonly parent: Node | null;
  }
  const pointer = (node: Node): string => {
    const keys: string[] = [];
    for (let n: Node | null = node; n !== null && n.key !== null; n = n.parent) keys.push(n.key.replace(/~/g, '~0').replace(/\//g, '~1'));
    const path = keys.reverse().map((k) => `/${k}`).join('');
    return path.length > 200 ? `${path.slice(0, 200)}...` : path;
  };
  const todo: Node[] = [{ value, key: null, parent: null }];
  while (todo.length) {
    const node = todo.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return pointer(node);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        const next = { value: child, key, parent: node };
        if (LONE_SURROGATE.test(key)) return pointer(next);
        todo.push(next);
      }
    }
  }
  return null;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
