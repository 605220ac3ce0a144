/**
 * Roles and keys (SPEC section 7): admin (all), operator (orders, jobs, inventory), integration (orders,
 * inventory, fulfillment), viewer (read only). Every role reads; a refused write is a 403 problem saying which
 * role may not, and writes nothing; no key or an unknown key is a 401, also on an unknown path under /api (404
 * only once a key is known). Keys are stored hashed. HOLDFAST_ADMIN_KEY may be short, but has no spaces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { ApiResponse, TestService } from '../fixtures/test-service.ts';
import type { Role } from '../../src/app/context.ts';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { SCENARIO_SETTINGS, T0, expectProblem, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts, tableCount } from '../fixtures/seed.ts';

const ROLES: Role[] = ['admin', 'operator', 'integration', 'viewer'];

interface WriteCase {
  readonly name: string;
  /** Roles that may; the others (except `unspecified`) get a 403. */
  readonly allowed: readonly Role[];
  /** Roles SPEC section 7 leaves open for this route: not tried. */
  readonly unspecified?: readonly Role[];
  prepare(tag: string): Promise<any>;
  act(key: string, prepared: any, tag: string): Promise<ApiResponse>;
  /** Whether the write took effect. */
  written(prepared: any, tag: string): Promise<boolean>;
}

describe.each(DATABASE_KINDS)('roles and keys on %s', (kind) => {
  let t: TestService;
  let db: Kysely<any>;
  const keys = {} as Record<Role, string>;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    db = t.service.database.db as unknown as Kysely<any>;
    await seedLocations(t, { EAST: { priority: 1 } });
    await seedProducts(t, { 'KB-1': {}, 'KB-2': {} });
    await seedOnHand(t, [['KB-1', 'EAST', 1000]]);
    await patchSettings(t, SCENARIO_SETTINGS);
    keys.admin = ADMIN_KEY;
    for (const role of ['operator', 'integration', 'viewer'] as const) keys[role] = await t.key(role);
  });
  afterAll(async () => t?.close());

  const lineOf = async (orderId: string, n = 1) => (await t.api('GET', `/api/orders/${orderId}`)).body.lines.find((l: any) => l.lineNumber === n);
  const orderExists = async (externalId: string) => (await t.api('GET', '/api/orders?limit=500')).body.items.some((o: any) => o.externalId === externalId);
  const released = (tag: string) => placeOrder(t, `${tag}-target`, [['KB-1', 1], ['KB-1', 1]]);

  const WRITES: WriteCase[] = [
    {
      name: 'POST /api/orders',
      allowed: ['admin', 'operator', 'integration'],
      prepare: async () => null,
      act: (key, _p, tag) => t.api('POST', '/api/orders', { externalId: tag, lines: [{ sku: 'KB-1', quantity: 1 }] }, { key }),
      written: (_p, tag) => orderExists(tag),
    },
    {
      name: 'POST /api/orders/{id}/cancel',
      allowed: ['admin', 'operator', 'integration'],
      prepare: released,
      act: (key, o) => t.api('POST', `/api/orders/${o.id}/cancel`, undefined, { key }),
      written: async (o) => (await lineOf(o.id)).statusReason === 'CanceledByRequest',
    },
    {
      name: 'POST /api/orders/{id}/lines/{n}/cancel',
      allowed: ['admin', 'operator', 'integration'],
      prepare: released,
      act: (key, o) => t.api('POST', `/api/orders/${o.id}/lines/2/cancel`, undefined, { key }),
      written: async (o) => (await lineOf(o.id, 2)).statusReason === 'CanceledByRequest',
    },
    {
      name: 'POST /api/fulfillment/lines/{id}/ship',
      allowed: ['admin', 'integration'],
      prepare: released,
      act: (key, o) => t.api('POST', `/api/fulfillment/lines/${o.lines[0].id}/ship`, undefined, { key }),
      written: async (o) => (await lineOf(o.id)).statusReason === 'Shipped',
    },
    {
      name: 'PUT /api/inventory/on-hand',
      allowed: ['admin', 'operator', 'integration'],
      prepare: async () => null,
      act: (key, _p, tag) => t.api('PUT', '/api/inventory/on-hand', [{ sku: 'KB-2', locationId: 'EAST', onHand: tag.length }], { key }),
      written: async (_p, tag) => (await t.api('GET', '/api/inventory/KB-2')).body.locations.some((r: any) => r.onHand === tag.length),
    },
    {
      name: 'POST /api/inventory/adjustments',
      allowed: ['admin', 'operator', 'integration'],
      prepare: async () => (await t.api('GET', '/api/inventory/KB-1')).body.locations[0].onHand,
      act: (key) => t.api('POST', '/api/inventory/adjustments', [{ sku: 'KB-1', locationId: 'EAST', delta: 1, reference: 'role test' }], { key }),
      written: async (onHand) => (await t.api('GET', '/api/inventory/KB-1')).body.locations[0].onHand === onHand + 1,
    },
    {
      name: 'POST /api/inventory/schedules',
      allowed: ['admin', 'operator', 'integration'],
      prepare: async () => null,
      act: (key, _p, tag) => t.api('POST', '/api/inventory/schedules', [{ sku: 'KB-2', locationId: 'EAST', date: '2028-07-01', quantity: 1, reference: tag }], { key }),
      written: async (_p, tag) => (await t.api('GET', '/api/inventory/schedules?limit=500')).body.items.some((e: any) => e.reference === tag),
    },
    {
      name: 'DELETE /api/inventory/schedules/{id}',
      allowed: ['admin', 'operator', 'integration'],
      prepare: async (tag) => (await t.api('POST', '/api/inventory/schedules', [{ sku: 'KB-2', locationId: 'EAST', date: '2028-07-02', quantity: 1, reference: `del-${tag}` }])).body.items[0],
      act: (key, e) => t.api('DELETE', `/api/inventory/schedules/${e.id}`, undefined, { key }),
      written: async (e) => !(await t.api('GET', '/api/inventory/schedules?limit=500')).body.items.some((x: any) => x.id === e.id),
    },
    {
      name: 'POST /api/jobs/{jobType}/runs',
      allowed: ['admin', 'operator'],
      prepare: async () => tableCount(t, 'job_runs'),
      act: (key) => t.api('POST', '/api/jobs/backorder/runs?wait=true', undefined, { key }),
      written: async (runs) => (await tableCount(t, 'job_runs')) > runs,
    },
    {
      name: 'PATCH /api/settings',
      allowed: ['admin'],
      prepare: async () => tableCount(t, 'config_audit'),
      act: (key) => t.api('PATCH', '/api/settings', { cancellationSlaDays: 30 }, { key }),
      written: async (audits) => (await tableCount(t, 'config_audit')) > audits,
    },
    {
      name: 'PUT /api/policies',
      allowed: ['admin'],
      prepare: async () => tableCount(t, 'config_audit'),
      // A policy of its own each time: the same policy again writes nothing.
      act: (key, _p, tag) => t.api('PUT', '/api/policies', { rules: [{ name: tag, match: { country: ['US'] }, locationIds: ['EAST'] }] }, { key }),
      written: async (audits) => (await tableCount(t, 'config_audit')) > audits,
    },
    {
      name: 'PUT /api/products/{sku}',
      allowed: ['admin'],
      prepare: async () => null,
      act: (key, _p, tag) => t.api('PUT', `/api/products/${tag}`, { name: 'Role test' }, { key }),
      written: async (_p, tag) => (await t.api('GET', `/api/products/${tag}`)).status === 200,
    },
    {
      name: 'PUT /api/locations/{id}',
      allowed: ['admin'],
      unspecified: ['operator', 'integration'],
      prepare: async () => null,
      act: (key, _p, tag) => t.api('PUT', `/api/locations/${tag}`, { name: 'Role test', priority: 50 }, { key }),
      written: async (_p, tag) => (await t.api('GET', `/api/locations/${tag}`)).status === 200,
    },
    {
      name: 'PUT /api/admin/clock',
      allowed: ['admin'],
      unspecified: ['operator', 'integration'],
      prepare: async (tag) => `2028-06-01T09:${String(tag.length).padStart(2, '0')}:00.000Z`,
      act: (key, now) => t.api('PUT', '/api/admin/clock', { now }, { key }),
      written: async (now) => (await t.api('GET', '/health', undefined, { key: null })).body.now === now,
    },
  ];

  for (const c of WRITES) {
    it(`${c.name}: ${c.allowed.join(', ')} may; the other roles get a 403 and write nothing`, async () => {
      for (const role of ROLES) {
        if (c.unspecified?.includes(role)) continue;
        const tag = `R-${role}-${c.name.replace(/[^a-z]/gi, '').slice(0, 30)}`;
        const prepared = await c.prepare(tag);
        const r = await c.act(keys[role], prepared, tag);
        if (c.allowed.includes(role)) {
          expect(r.status, `${role}: ${r.status} ${r.text.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
          expect(r.status, `${role}: ${r.status} ${r.text.slice(0, 300)}`).toBeLessThan(300);
          expect(await c.written(prepared, tag), `${role} was allowed but nothing was written`).toBe(true);
        } else {
          expectProblem(r, 403);
          expect(await c.written(prepared, tag), `${role} was refused but the write happened`).toBe(false);
        }
      }
      await t.setClock(T0);
    });
  }

  it('lets every role read', async () => {
    const o = await placeOrder(t, 'roles-read', [['KB-1', 1]]);
    const reads = [
      '/api/orders', `/api/orders/${o.id}`, `/api/orders/${o.id}/events`, '/api/order-lines', '/api/inventory/KB-1', '/api/inventory/schedules',
      '/api/atp?sku=KB-1&locationId=EAST&quantity=1', '/api/settings', '/api/policies', '/api/jobs', '/api/jobs/runs', '/api/products',
      '/api/products/KB-1', '/api/locations', '/api/locations/EAST',
    ];
    for (const role of ROLES) {
      for (const url of reads) {
        const r = await t.api('GET', url, undefined, { key: keys[role] });
        expect(r.status, `${role} GET ${url}: ${r.text.slice(0, 200)}`).toBe(200);
      }
    }
  });

  it('answers 401 without a key, with an unknown key or a malformed header, and writes nothing', async () => {
    const before = await tableCount(t, 'orders');
    const attempts: { key?: string | null; headers?: Record<string, string> }[] = [
      { key: null },
      { key: 'hf_wrong_key_0000000000000000000000' },
      { key: null, headers: { authorization: `Basic ${Buffer.from(`x:${ADMIN_KEY}`).toString('base64')}` } },
      { key: null, headers: { authorization: 'Bearer' } },
      { key: null, headers: { authorization: ADMIN_KEY } },
    ];
    for (const a of attempts) {
      for (const [method, url, body] of [
        ['GET', '/api/orders', undefined],
        ['GET', '/api/settings', undefined],
        ['POST', '/api/orders', { externalId: 'no-key', lines: [{ sku: 'KB-1', quantity: 1 }] }],
        ['PATCH', '/api/settings', { backorders: false }],
      ] as const) {
        expectProblem(await t.api(method, url, body, { key: a.key, ...(a.headers ? { headers: a.headers } : {}) }), 401);
      }
    }
    expect(await tableCount(t, 'orders')).toBe(before);
    expect((await t.api('GET', '/api/settings')).body.backorders).toBe(true);
    expectStatus(await t.api('GET', '/health', undefined, { key: null }), 200);
    expectStatus(await t.api('GET', '/api/openapi.json', undefined, { key: null }), 200);
  });

  it('stores keys hashed: no column of api_keys holds a plain key', async () => {
    const rows = await db.selectFrom('api_keys').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(new Set(rows.map((r) => r.role))).toEqual(new Set(ROLES));
    for (const key of Object.values(keys)) {
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          expect(String(value).includes(key), `api_keys.${column} holds a plain key`).toBe(false);
        }
      }
    }
    expect(new Set(rows.map((r) => r.key_hash)).size).toBe(rows.length);
  });
  it('says which role may not, with the right article, and names the roles that may', async () => {
    const cases: [Role, string, string, unknown, string][] = [
      ['integration', 'POST', '/api/jobs/backorder/runs', undefined, 'an integration key may not do this; it needs a key of one of the roles admin or operator'],
      ['operator', 'PATCH', '/api/settings', { backorders: true }, 'an operator key may not do this; it needs an admin key'],
      [
        'viewer',
        'POST',
        '/api/orders',
        { externalId: 'viewer-no', lines: [{ sku: 'KB-1', quantity: 1 }] },
        'a viewer key may not do this; it needs a key of one of the roles admin, operator or integration',
      ],
    ];
    for (const [role, method, url, body, detail] of cases) {
      const r = await t.api(method, url, body, { key: keys[role] });
      expectProblem(r, 403);
      expect(r.body.detail).toBe(detail);
    }
  });

  it('answers an unknown path under /api with 401 without a key and 404 with an admin key, a known path with another method 405, all problem+json', async () => {
    for (const [method, url, status] of [
      ['GET', '/api/no-such-route', 404],
      ['POST', '/api/no-such-route', 404],
      ['GET', '/api/orders/x/nothing-here', 404],
      ['DELETE', '/api/settings', 405],
    ] as const) {
      expectProblem(await t.api(method, url, undefined, { key: null }), 401);
      expectProblem(await t.api(method, url, undefined, { key: 'hf_wrong_key_0000000000000000000000' }), 401);
      expectProblem(await t.api(method, url), status);
    }
    const r = await t.api('DELETE', '/api/settings');
    expect(r.headers.allow).toBe('GET, PATCH');
    expect(r.body.detail).toBe('/api/settings does not take DELETE; it takes GET, PATCH');
  });

  it('takes a HOLDFAST_ADMIN_KEY shorter than 16 characters, and refuses one with a space', async () => {
    const config = loadConfig({ HOLDFAST_ADMIN_KEY: 'admin-key-1' });
    expect(config.adminKey).toBe('admin-key-1');
    expect(() => loadConfig({ HOLDFAST_ADMIN_KEY: 'admin key 1' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOLDFAST_ADMIN_KEY: 'admin-key-1 ' })).toThrow(ConfigError);

    const short = await startTestService(kind, { config: { adminKey: config.adminKey } });
    try {
      const r = await short.api('PATCH', '/api/settings', { backorders: true }, { key: 'admin-key-1' });
      expectStatus(r, 200);
      expect(r.body.backorders).toBe(true);
      expectStatus(await short.api('GET', '/api/orders', undefined, { key: 'admin-key-1' }), 200);
      expectStatus(await short.api('GET', '/api/orders', undefined, { headers: { authorization: 'Bearer admin-key-1' }, key: null }), 200);
      expectProblem(await short.api('GET', '/api/orders', undefined, { key: 'admin-key-2' }), 401);
      expectProblem(await short.api('GET', '/api/orders', undefined, { key: ADMIN_KEY }), 401);
    } finally {
      await short.close();
    }
  });
});
