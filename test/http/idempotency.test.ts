/**
 * Idempotent intake (SPEC section 3): the same Idempotency-Key or a repeated externalId answers the original
 * order with 200 and creates nothing; the same key with a different body is a 422; concurrent duplicates
 * create one order. Requests are compared with their defaults filled in, so spelling out a default is the same
 * request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { SCENARIO_SETTINGS, T0, expectProblem, expectStatus, orderBody, patchSettings, seedLocations, seedOnHand, seedProducts, stockRow, tableCount } from '../fixtures/seed.ts';

describe.each(DATABASE_KINDS)('idempotent intake on %s', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1 } });
    await seedProducts(t, { 'KB-1': {}, 'KB-2': {}, 'KB-3': {} });
    await seedOnHand(t, [['KB-1', 'EAST', 20], ['KB-2', 'EAST', 20], ['KB-3', 'EAST', 20]]);
    await patchSettings(t, SCENARIO_SETTINGS);
  });
  afterAll(async () => t?.close());

  const counts = async () => ({
    orders: await tableCount(t, 'orders'),
    lines: await tableCount(t, 'order_lines'),
    events: await tableCount(t, 'line_events'),
  });

  it('replays the same Idempotency-Key with 200 and the original order, and refuses it with another body (422)', async () => {
    const body = orderBody('idem-F', [['KB-1', 1]], { channel: 'web' });
    const headers = { 'Idempotency-Key': 'key-F' };
    const first = await t.api('POST', '/api/orders', body, { headers });
    expectStatus(first, 201);
    const before = await counts();

    const replay = await t.api('POST', '/api/orders', body, { headers });
    expectStatus(replay, 200);
    expect(replay.body).toEqual(first.body);

    const otherQuantity = await t.api('POST', '/api/orders', orderBody('idem-F', [['KB-1', 2]], { channel: 'web' }), { headers });
    expectProblem(otherQuantity, 422);
    const otherExternalId = await t.api('POST', '/api/orders', orderBody('idem-F-other', [['KB-1', 1]], { channel: 'web' }), { headers });
    expectProblem(otherExternalId, 422);

    expect(await counts()).toEqual(before);
    expect(await stockRow(t, 'KB-1', 'EAST')).toMatchObject({ reserved: 1 });
    const list = await t.api('GET', '/api/orders?limit=500');
    expect(list.body.items.filter((o: any) => o.externalId === 'idem-F-other')).toHaveLength(0);
  });

  it('answers a repeated externalId with 200 and the original order, with or without a new key', async () => {
    const body = orderBody('ext-G', [['KB-2', 2]]);
    const first = await t.api('POST', '/api/orders', body);
    expectStatus(first, 201);
    const before = await counts();
    const again = await t.api('POST', '/api/orders', body);
    expectStatus(again, 200);
    expect(again.body).toEqual(first.body);
    const newKey = await t.api('POST', '/api/orders', body, { headers: { 'Idempotency-Key': 'key-G-later' } });
    expectStatus(newKey, 200);
    expect(newKey.body.id).toBe(first.body.id);
    expect(await counts()).toEqual(before);
    expect(await stockRow(t, 'KB-2', 'EAST')).toMatchObject({ reserved: 2 });
  });

  it('creates one order for concurrent duplicates of an externalId or of an Idempotency-Key', async () => {
    const before = await counts();
    const sameExternal = await Promise.all(Array.from({ length: 12 }, () => t.api('POST', '/api/orders', orderBody('dup-H', [['KB-3', 1]]))));
    const sameKey = await Promise.all(
      Array.from({ length: 12 }, () => t.api('POST', '/api/orders', orderBody('dup-I', [['KB-3', 2]]), { headers: { 'Idempotency-Key': 'key-I' } })),
    );
    for (const group of [sameExternal, sameKey]) {
      const statuses = group.map((r) => r.status).sort((a, b) => a - b);
      expect(statuses, group.map((r) => r.text).join('\n').slice(0, 1000)).toEqual([...Array(11).fill(200), 201]);
      const ids = new Set(group.map((r) => r.body.id));
      expect(ids.size).toBe(1);
    }
    expect(await counts()).toEqual({ orders: before.orders + 2, lines: before.lines + 2, events: before.events + 2 });
    expect(await stockRow(t, 'KB-3', 'EAST')).toMatchObject({ onHand: 20, reserved: 3 });
  });
  it('compares requests with their defaults filled in and lines by number: spelled-out defaults or reordered lines replay with 200, another quantity is still 422 (409 by externalId alone)', async () => {
    const body = orderBody('norm-J', [['KB-1', 1], ['KB-2', 2]]);
    const headers = { 'Idempotency-Key': 'key-J' };
    const first = await t.api('POST', '/api/orders', body, { headers });
    expectStatus(first, 201);
    const before = await counts();
    const numbered = { ...body, lines: body.lines.map((l, i) => ({ ...l, lineNumber: i + 1 })) };
    const variants: [string, unknown][] = [
      ['channel "default"', { ...body, channel: 'default' }],
      ['priority 0', { ...body, priority: 0 }],
      ['explicit line numbers 1, 2', numbered],
      ['shipTo {}', { ...body, shipTo: {} }],
      ['shipTo with nulls', { ...body, shipTo: { country: null, region: null, postalCode: null } }],
      ['customerId null', { ...body, customerId: null }],
      ['the same numbered lines in another array order', { ...numbered, lines: [numbered.lines[1], numbered.lines[0]] }],
      ['every default at once', { ...numbered, channel: 'default', priority: 0, shipTo: {}, customerId: null }],
    ];
    for (const [what, variant] of variants) {
      for (const options of [{ headers }, {}]) {
        const r = await t.api('POST', '/api/orders', variant, options);
        expect(r.status, `${what} ${'headers' in options ? 'with the key' : 'by externalId'}: ${r.text.slice(0, 300)}`).toBe(200);
        expect(r.body).toEqual(first.body);
      }
    }
    const otherQuantity = { ...body, lines: [body.lines[0], { ...body.lines[1]!, quantity: 3 }] };
    expectProblem(await t.api('POST', '/api/orders', otherQuantity, { headers }), 422);
    // Without a key, the same externalId with another body is another order under a taken id: 409 naming it.
    const clash = await t.api('POST', '/api/orders', otherQuantity);
    expectProblem(clash, 409);
    expect(clash.body.detail).toContain(first.body.id);
    expectProblem(await t.api('POST', '/api/orders', { ...body, channel: 'web' }, { headers }), 422);
    expectProblem(await t.api('POST', '/api/orders', { ...numbered, lines: [{ ...numbered.lines[0]!, lineNumber: 2 }, { ...numbered.lines[1]!, lineNumber: 1 }] }, { headers }), 422);
    expect(await counts()).toEqual(before);
  });
});
