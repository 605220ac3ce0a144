/**
 * Webhook subscriptions (SPEC section 7 "Webhooks"): create and replace with PUT, read, list, delete; the
 * secret is write-only and never answered back; a url that is not http(s) is a 400 naming /url; the event list
 * is checked; admin writes, admin and integration read, operator and viewer may not. No dispatcher runs here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, expectProblem, expectStatus, walk } from '../fixtures/seed.ts';

const SECRET = 'whsec_subscriptions_test_0123456789';

describe.each(DATABASE_KINDS)('webhook subscriptions on %s', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
  });
  afterAll(async () => t?.close());

  const body = (extra: Record<string, unknown> = {}) => ({ url: 'https://example.test/hooks/holdfast', secret: SECRET, events: ['line.released'], ...extra });

  it('creates with 201, replaces with 200, and never answers the secret', async () => {
    const created = await t.api('PUT', '/api/webhooks/erp', body({ description: 'the ERP' }));
    expectStatus(created, 201);
    expect(created.body).toEqual({
      id: 'erp',
      url: 'https://example.test/hooks/holdfast',
      events: ['line.released'],
      active: true,
      description: 'the ERP',
      createdAt: '2028-06-01T09:00:00.000Z',
      updatedAt: '2028-06-01T09:00:00.000Z',
    });
    expect(created.text).not.toContain(SECRET);

    // A replacement may leave the secret out (it is kept) and changes what it names.
    const replaced = await t.api('PUT', '/api/webhooks/erp', { url: 'http://127.0.0.1:9/hook', events: ['*'], active: false });
    expectStatus(replaced, 200);
    expect(replaced.body).toMatchObject({ id: 'erp', url: 'http://127.0.0.1:9/hook', events: ['*'], active: false, description: null });

    for (const url of ['/api/webhooks/erp', '/api/webhooks']) {
      const r = await t.api('GET', url);
      expectStatus(r, 200);
      expect(r.text).not.toContain(SECRET);
      expect(r.text).not.toMatch(/"secret"/);
    }
    expect((await t.api('GET', '/api/webhooks/erp')).body).toMatchObject({ id: 'erp', active: false, events: ['*'] });
  });

  it('refuses a url that is not http or https, naming /url', async () => {
    for (const url of ['ftp://example.test/x', 'not a url', 'javascript:alert(1)', 'file:///etc/passwd', 'mailto:ops@example.test']) {
      expectProblem(await t.api('PUT', '/api/webhooks/bad-url', body({ url })), 400, '/url');
    }
    expect((await t.api('GET', '/api/webhooks/bad-url')).status).toBe(404);
  });

  it('checks the secret and the event list, naming the field', async () => {
    const { secret: _omitted, ...noSecret } = body();
    expectProblem(await t.api('PUT', '/api/webhooks/no-secret', noSecret), 400, '/secret');
    expectProblem(await t.api('PUT', '/api/webhooks/short', body({ secret: 'too-short' })), 400, '/secret');
    expectProblem(await t.api('PUT', '/api/webhooks/long', body({ secret: 'x'.repeat(257) })), 400, '/secret');
    expectProblem(await t.api('PUT', '/api/webhooks/none', body({ events: [] })), 400, '/events');
    expectProblem(await t.api('PUT', '/api/webhooks/unknown', body({ events: ['line.released', 'line.exploded'] })), 400, '/events/1');
    expectProblem(await t.api('PUT', '/api/webhooks/star', body({ events: ['*', 'line.shipped'] })), 400, '/events/0');
    expectProblem(await t.api('PUT', '/api/webhooks/twice', body({ events: ['line.shipped', 'line.shipped'] })), 400, '/events/1');
    expectProblem(await t.api('PUT', '/api/webhooks/extra', body({ colour: 'red' })), 400, '/colour');
    expectProblem(await t.api('PUT', '/api/webhooks/active', body({ active: 'yes' })), 400, '/active');
    expectProblem(await t.api('PUT', '/api/webhooks/bad%20id', body()), 400);
    const list = await walk(t, '/api/webhooks', 50);
    // Not one of the refused subscriptions was written.
    const refused = ['no-secret', 'short', 'long', 'none', 'unknown', 'star', 'twice', 'extra', 'active', 'bad id'];
    expect(list.items.map((w) => w.id).filter((id) => refused.includes(id))).toEqual([]);
  });

  it('every event type of the SPEC, and ping, may be subscribed to', async () => {
    const types = ['line.preordered', 'line.backordered', 'line.released', 'line.promise_changed', 'line.canceled', 'line.shipped', 'ping'];
    const r = await t.api('PUT', '/api/webhooks/all-types', body({ events: types }));
    expectStatus(r, 201);
    expect(r.body.events).toEqual(types);
  });

  it('deletes: 204, then 404, and the id may be used again', async () => {
    expectStatus(await t.api('PUT', '/api/webhooks/short-lived', body()), 201);
    expectStatus(await t.api('DELETE', '/api/webhooks/short-lived'), 204);
    expectProblem(await t.api('GET', '/api/webhooks/short-lived'), 404);
    expectProblem(await t.api('DELETE', '/api/webhooks/short-lived'), 404);
    expectProblem(await t.api('GET', '/api/webhooks/short-lived/deliveries'), 404);
    expectProblem(await t.api('POST', '/api/webhooks/short-lived/ping'), 404);
    expectStatus(await t.api('PUT', '/api/webhooks/short-lived', body()), 201);
  });

  it('lists newest first (by creation, then id) with a cursor; a replace keeps its place', async () => {
    // Created one minute apart, but list-b and list-d in the same minute; every earlier subscription of this file
    // was created at T0, before them.
    const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
    const created: [string, number][] = [['list-c', 1], ['list-a', 2], ['list-b', 3], ['list-d', 3], ['list-e', 4]];
    for (const [id, minute] of created) {
      await t.setClock(at(minute));
      expectStatus(await t.api('PUT', `/api/webhooks/${id}`, body()), 201);
    }
    await t.setClock(at(5));
    expectStatus(await t.api('PUT', '/api/webhooks/list-c', body({ description: 'replaced' })), 200);
    const { items, pages } = await walk(t, '/api/webhooks', 2);
    const ids = items.map((w) => w.id);
    expect(ids.slice(0, 5)).toEqual(['list-e', 'list-d', 'list-b', 'list-a', 'list-c']);
    expect(items.slice(0, 5).map((w) => w.createdAt)).toEqual([at(4), at(3), at(3), at(2), at(1)]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBeGreaterThan(2);
    expectProblem(await t.api('GET', '/api/webhooks?cursor=nonsense'), 400, '/cursor');
    expectProblem(await t.api('GET', '/api/webhooks?limit=501'), 400);
  });

  it('admin writes; admin and integration read; operator and viewer may not', async () => {
    expectStatus(await t.api('PUT', '/api/webhooks/roles', body()), 201);
    const integration = await t.key('integration');
    const operator = await t.key('operator');
    const viewer = await t.key('viewer');
    for (const url of ['/api/webhooks', '/api/webhooks/roles', '/api/webhooks/roles/deliveries']) {
      expectStatus(await t.api('GET', url, undefined, { key: integration }), 200);
      expectProblem(await t.api('GET', url, undefined, { key: operator }), 403);
      expectProblem(await t.api('GET', url, undefined, { key: viewer }), 403);
      expectProblem(await t.api('GET', url, undefined, { key: null }), 401);
    }
    for (const key of [integration, operator, viewer]) {
      expectProblem(await t.api('PUT', '/api/webhooks/roles', body(), { key }), 403);
      expectProblem(await t.api('DELETE', '/api/webhooks/roles', undefined, { key }), 403);
      expectProblem(await t.api('POST', '/api/webhooks/roles/ping', undefined, { key }), 403);
      expectProblem(await t.api('POST', '/api/webhooks/roles/deliveries/1/retry', undefined, { key }), 403);
    }
    expectStatus(await t.api('GET', '/api/webhooks/roles'), 200);
  });

  it('the delivery log of a subscription that got nothing is empty; unknown deliveries are a 404', async () => {
    expectStatus(await t.api('PUT', '/api/webhooks/quiet', body()), 201);
    const r = await t.api('GET', '/api/webhooks/quiet/deliveries');
    expectStatus(r, 200);
    expect(r.body).toEqual({ items: [], nextCursor: null });
    expectProblem(await t.api('POST', '/api/webhooks/quiet/deliveries/999999/retry'), 404);
    expectProblem(await t.api('GET', '/api/webhooks/quiet/deliveries?status=lost'), 400, '/status');
  });
});
