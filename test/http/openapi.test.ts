/**
 * The OpenAPI document (SPEC section 7, issue 12): served without a key at /api/openapi.json, with a path and
 * method for every route of the HTTP API; every operation has an operationId, a summary and a tag, and its
 * problem+json error answers; the webhook payloads are described as OpenAPI 3.1 `webhooks`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, expectStatus } from '../fixtures/seed.ts';
import { Validator } from '@seriousme/openapi-schema-validator';
import { OPERATIONS } from '../../src/http/openapi/operations.ts';

/** SPEC section 7's routes and the console's own (session, overview, settings audit, the integrity repair), as OpenAPI paths: all of them. */
const ROUTES: [string, string[]][] = [
  ['/health', ['get']],
  ['/metrics', ['get']],
  ['/api/admin/clock', ['get', 'put']],
  ['/api/admin/integrity', ['get']],
  ['/api/admin/integrity/repair', ['post']],
  ['/api/products/{sku}', ['put', 'patch', 'get']],
  ['/api/products', ['get']],
  ['/api/locations/{id}', ['put', 'get']],
  ['/api/locations', ['get']],
  ['/api/inventory/on-hand', ['put']],
  ['/api/inventory/adjustments', ['post']],
  ['/api/inventory/{sku}', ['get']],
  ['/api/inventory/schedules', ['post', 'get', 'delete']],
  ['/api/inventory/schedules/{id}', ['delete']],
  ['/api/atp', ['get']],
  ['/api/orders', ['post', 'get']],
  ['/api/orders/{id}', ['get']],
  ['/api/order-lines', ['get']],
  ['/api/order-lines/{id}', ['get']],
  ['/api/order-lines/{id}/promise', ['get']],
  ['/api/line-labels', ['get']],
  ['/api/orders/{id}/cancel', ['post']],
  ['/api/orders/{id}/lines/{lineNumber}/cancel', ['post']],
  ['/api/orders/{id}/events', ['get']],
  ['/api/fulfillment/lines/{lineId}/ship', ['post']],
  ['/api/jobs', ['get']],
  ['/api/jobs/{jobType}/runs', ['post']],
  ['/api/jobs/runs', ['get']],
  ['/api/jobs/runs/{id}', ['get']],
  ['/api/settings', ['get', 'patch']],
  ['/api/settings/audit', ['get']],
  ['/api/policies', ['get', 'put']],
  ['/api/keys', ['get', 'post']],
  ['/api/keys/{id}', ['delete']],
  ['/api/webhooks/{id}', ['put', 'get', 'delete']],
  ['/api/webhooks', ['get']],
  ['/api/webhooks/{id}/deliveries', ['get']],
  ['/api/webhooks/{id}/deliveries/{deliveryId}/retry', ['post']],
  ['/api/webhooks/{id}/ping', ['post']],
  ['/api/session', ['get']],
  ['/api/overview', ['get']],
];

const WEBHOOK_TYPES = ['line.preordered', 'line.backordered', 'line.released', 'line.promise_changed', 'line.canceled', 'line.shipped', 'ping'];

describe.each(DATABASE_KINDS)('OpenAPI document on %s', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
  });
  afterAll(async () => t?.close());

  it('is served without a key and has every route with its methods', async () => {
    const r = await t.api('GET', '/api/openapi.json', undefined, { key: null });
    expectStatus(r, 200);
    expect(String(r.headers['content-type'])).toMatch(/json/);
    expect(typeof r.body.openapi).toBe('string');
    expect(r.body.openapi).toMatch(/^3\./);
    const paths = r.body.paths as Record<string, Record<string, unknown>>;
    // Every route is described, and nothing else is.
    const described = Object.entries(paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(described.sort()).toEqual(ROUTES.flatMap(([path, methods]) => methods.map((m) => `${m.toUpperCase()} ${path}`)).sort());
    // The intake body is described, with its required fields.
    const intake = paths['/api/orders']!.post as any;
    const schema = intake.requestBody?.content?.['application/json']?.schema;
    expect(schema?.required).toEqual(expect.arrayContaining(['externalId', 'lines']));
  });

  it('is a valid OpenAPI 3.1 document (checked against the OpenAPI schema)', async () => {
    const doc = (await t.api('GET', '/api/openapi.json', undefined, { key: null })).body;
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('names every operation: a unique operationId, a summary and a declared tag, each one catalogued', async () => {
    const doc = (await t.api('GET', '/api/openapi.json', undefined, { key: null })).body;
    const tags = new Set((doc.tags as { name: string }[]).map((x) => x.name));
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(OPERATIONS[where], `${where} is not in src/http/openapi/operations.ts`).toBeDefined();
        expect(ids.has(operation.operationId), `${operation.operationId} twice`).toBe(false);
        ids.add(operation.operationId);
        expect(String(operation.summary).length, where).toBeGreaterThan(5);
        expect(operation.tags, where).toHaveLength(1);
        expect(tags.has(operation.tags[0]), `${where}: tag ${operation.tags[0]} is not declared`).toBe(true);
      }
    }
    expect(ids.size).toBe(ROUTES.reduce((n, [, m]) => n + m.length, 0));
  });

  it('describes the problem+json answers', async () => {
    const doc = (await t.api('GET', '/api/openapi.json', undefined, { key: null })).body;
    expect(doc.components.schemas.Problem).toMatchObject({ type: 'object', required: expect.arrayContaining(['type', 'title', 'status', 'detail']) });
    const problem = (r: any) => r?.content?.['application/problem+json']?.schema?.$ref;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        const statuses = path.startsWith('/api/') ? ['400', '401', '403', 'default'] : ['default'];
        if (path.includes('{')) statuses.push('404');
        for (const s of statuses) expect(problem(operation.responses[s]), `${where} ${s}`).toBe('#/components/schemas/Problem');
        if (!path.startsWith('/api/')) expect(operation.security, where).toEqual([]);
      }
    }
    expect(problem(doc.paths['/api/orders'].post.responses['422'])).toBe('#/components/schemas/Problem');
    expect(problem(doc.paths['/api/orders/{id}/cancel'].post.responses['409'])).toBe('#/components/schemas/Problem');
    // The served document is valid for the problem answers it describes: a real 404 matches the schema.
    const r = await t.api('GET', '/api/orders/nope');
    expect(Object.keys(r.body)).toEqual(expect.arrayContaining(doc.components.schemas.Problem.required));
  });

  it('describes the webhook payloads as OpenAPI 3.1 webhooks, and never the secret in an answer', async () => {
    const doc = (await t.api('GET', '/api/openapi.json', undefined, { key: null })).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.webhooks).sort()).toEqual([...WEBHOOK_TYPES].sort());
    for (const type of WEBHOOK_TYPES) {
      const post = doc.webhooks[type].post;
      expect(post.operationId).toMatch(/^webhook/);
      expect(post.parameters.map((p: any) => p.name)).toEqual(['Holdfast-Event-Id', 'Holdfast-Timestamp', 'Holdfast-Signature']);
      const schema = post.requestBody.content['application/json'].schema;
      expect(schema.required).toEqual(expect.arrayContaining(['id', 'type', 'occurredAt', 'data']));
      expect(schema.properties.type.const).toBe(type);
      if (type === 'ping') {
        expect(schema.properties.data.properties).toHaveProperty('webhookId');
      } else {
        expect(schema.properties.data.required).toEqual(
          expect.arrayContaining(['id', 'orderId', 'lineNumber', 'sku', 'quantity', 'locationId', 'state', 'statusReason', 'inventoryAvailabilityDate', 'estimatedShipmentDate', 'launchDate', 'backorderedAt', 'version', 'externalId', 'customerId']),
        );
      }
      expect('previous' in schema.properties.data.properties).toBe(type === 'line.promise_changed');
    }
    const put = doc.paths['/api/webhooks/{id}'].put;
    expect(put.requestBody.content['application/json'].schema.properties.secret.writeOnly).toBe(true);
    for (const status of ['200', '201']) expect(put.responses[status].content['application/json'].schema.properties).not.toHaveProperty('secret');
  });
});
