/**
 * Finishes the OpenAPI document @fastify/swagger builds from the routes: each operation's operationId, summary
 * and tag (operations.ts), its problem+json error answers, the webhook payloads as OpenAPI 3.1 `webhooks`, and
 * the tag list. It only describes; nothing here changes how a request is served.
 */
import type { TSchema } from '@sinclair/typebox';
import { Problem } from '../contracts/common.contract.ts';
import { webhookPayloadSchema } from '../contracts/webhooks.contract.ts';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/webhook-events.ts';
import { OPERATIONS, TAGS } from './operations.ts';
import type { OperationInfo } from './operations.ts';

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

const ERROR_TEXT: Record<string, string> = {
  '400': 'Bad input: the problem names each field (errors[].path is a JSON Pointer)',
  '401': 'No API key, or one that is unknown or revoked',
  '403': "The key's role may not do this",
  '404': 'No such resource',
  '409': 'Not allowed in the current state',
  '413': 'Request body too large',
  '415': 'Unsupported content type',
  '422': 'Idempotency key reused with a different request',
  '503': 'The database does not answer',
  default: 'Unexpected error (logged)',
};

const WEBHOOK_TEXT: Record<string, string> = {
  'line.preordered': 'A line went on Preorder Hold',
  'line.backordered': 'A line went on Backorder Hold',
  'line.released': 'A line was released to a location (AwaitingFulfillment)',
  'line.promise_changed': "A held line's location or dates changed; data.previous has the old ones",
  'line.canceled': 'A line was canceled (by request, its backorder SLA, or out of stock)',
  'line.shipped': 'A released line shipped',
  ping: 'Sent by POST /api/webhooks/{id}/ping',
};

type Json = Record<string, any>;

/** A plain JSON copy of a TypeBox schema, without its `$id`. */
function plain(schema: TSchema): Json {
  const { $id: _id, ...rest } = JSON.parse(JSON.stringify(schema)) as Json;
  return rest;
}

const problemAnswer = (status: string) => ({
  description: ERROR_TEXT[status] ?? 'Error',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** operationId for a route that operations.ts does not name yet: method and path words, camel-cased. */
function derivedOperationId(method: string, path: string): string {
  const words = [method, ...path.split('/').filter((w) => w && w !== 'api' && !w.startsWith('{'))];
  return words.map((w, i) => w.split(/[^A-Za-z0-9]+/).map((p, j) => (i === 0 && j === 0 ? p.toLowerCase() : p.charAt(0).toUpperCase() + p.slice(1))).join('')).join('');
}

function enrichOperation(method: string, path: string, operation: Json): void {
  const info: OperationInfo | undefined = OPERATIONS[`${method.toUpperCase()} ${path}`];
  operation.operationId = info?.operationId ?? operation.operationId ?? derivedOperationId(method, path);
  operation.summary = info?.summary ?? operation.summary ?? operation.description?.split('. ')[0] ?? `${method.toUpperCase()} ${path}`;
  operation.tags = [info?.tag ?? operation.tags?.[0] ?? 'system'];
  const keyed = path.startsWith('/api/');
  if (!keyed) operation.security = [];
  const responses: Json = (operation.responses ??= {});
  const statuses = new Set<string>(info?.errors?.map(String) ?? []);
  if (keyed) ['401', '403'].forEach((s) => statuses.add(s));
  if (keyed || operation.parameters?.length || operation.requestBody) statuses.add('400');
  if (path.includes('{')) statuses.add('404');
  for (const status of statuses) responses[status] ??= problemAnswer(status);
  responses.default ??= problemAnswer('default');
  // A body that may be null (NoBody: none, or {}) may also be left out.
  if (operation.requestBody && acceptsNull(operation.requestBody.content?.['application/json']?.schema)) operation.requestBody.required = false;
}

const acceptsNull = (schema: Json | undefined): boolean => schema?.type === 'null' || (schema?.anyOf ?? []).some(acceptsNull);

function webhooksSection(): Json {
  const out: Json = {};
  for (const type of WEBHOOK_EVENT_TYPES) {
    out[type] = {
      post: {
        operationId: `webhook${type.split(/[._]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`,
        summary: WEBHOOK_TEXT[type],
        tags: ['webhooks'],
        description:
          'Sent to each active subscription that asked for this type (or "*"), after the change commits, at least once: a 2xx answer within 10 s delivers; ' +
          'anything else is retried with exponential backoff and jitter (about 1 s, 2 s, 4 s ..., at most 1 h apart) until 24 h after the event. ' +
          "For one subscription a line's events arrive in the order they happened. " +
          'Verify Holdfast-Signature: sha256=<hex HMAC-SHA256 of "<Holdfast-Timestamp>.<raw body>"> with the subscription\'s secret.',
        parameters: [
          { name: 'Holdfast-Event-Id', in: 'header', required: true, schema: { type: 'string' }, description: 'the payload id; drop a request whose id you already handled' },
          { name: 'Holdfast-Timestamp', in: 'header', required: true, schema: { type: 'string', pattern: '^[0-9]+$' }, description: 'Unix seconds when this attempt was sent' },
          { name: 'Holdfast-Signature', in: 'header', required: true, schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: plain(webhookPayloadSchema(type)) } } },
        responses: {
          '2XX': { description: 'Delivered' },
          default: { description: 'Not delivered: the request is tried again later' },
        },
      },
    };
  }
  return out;
}

export function enrichDocument<T extends Json>(document: T): T {
  const doc = document as Json;
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Json)) {
    for (const method of METHODS) if (item[method]) enrichOperation(method, path, item[method]);
  }
  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, Problem: plain(Problem) };
  doc.tags = TAGS.map((t) => ({ ...t }));
  doc.webhooks = webhooksSection();
  return document;
}
