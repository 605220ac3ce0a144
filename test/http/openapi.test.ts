/**
 * The OpenAPI document (SPEC section 7): served without a key at /api/openapi.json, with a path and method for
 * every route of the HTTP API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, expectStatus } from '../fixtures/seed.ts';

/** SPEC section 7's routes, as OpenAPI paths. The webhook routes are left out: they are not built yet. */
const ROUTES: [string, string[]][] = [
  ['/health', ['get']],
  ['/api/products/{sku}', ['put', 'get']],
  ['/api/products', ['get']],
  ['/api/locations/{id}', ['put', 'get']],
  ['/api/locations', ['get']],
  ['/api/inventory/on-hand', ['put']],
  ['/api/inventory/adjustments', ['post']],
  ['/api/inventory/{sku}', ['get']],
  ['/api/inventory/schedules', ['post', 'get']],
  ['/api/inventory/schedules/{id}', ['delete']],
  ['/api/atp', ['get']],
  ['/api/orders', ['post', 'get']],
  ['/api/orders/{id}', ['get']],
  ['/api/order-lines', ['get']],
  ['/api/orders/{id}/cancel', ['post']],
  ['/api/orders/{id}/lines/{lineNumber}/cancel', ['post']],
  ['/api/orders/{id}/events', ['get']],
  ['/api/fulfillment/lines/{lineId}/ship', ['post']],
  ['/api/jobs', ['get']],
  ['/api/jobs/{jobType}/runs', ['post']],
  ['/api/jobs/runs', ['get']],
  ['/api/jobs/runs/{id}', ['get']],
  ['/api/settings', ['get', 'patch']],
  ['/api/policies', ['get', 'put']],
  ['/api/admin/clock', ['put']],
];

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
    for (const [path, methods] of ROUTES) {
      expect(Object.keys(paths), `missing path ${path}`).toContain(path);
      for (const m of methods) expect(Object.keys(paths[path]!), `${path} lacks ${m}`).toContain(m);
    }
    // The intake body is described, with its required fields.
    const intake = paths['/api/orders']!.post as any;
    const schema = intake.requestBody?.content?.['application/json']?.schema;
    expect(schema?.required).toEqual(expect.arrayContaining(['externalId', 'lines']));
  });
});
