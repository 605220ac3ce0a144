/**
 * Monitoring (SPEC section 7, issue 12): GET /metrics without a key, in Prometheus text format, with counters
 * that move with the work (orders placed, line moves, held lines, job runs, webhook deliveries, HTTP requests by
 * route pattern) and the process and event-loop metrics, no business data in labels; GET /health says whether
 * the database answers and how far behind webhook delivery is; GET /docs serves the API reference offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { startReceiver } from '../fixtures/webhook-receiver.ts';
import type { Receiver } from '../fixtures/webhook-receiver.ts';
import { histogramCount, labelValues, parseMetrics, sample } from '../fixtures/metrics.ts';
import type { Scrape } from '../fixtures/metrics.ts';
import { SCENARIO_SETTINGS, T0, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts } from '../fixtures/seed.ts';

describe.each(DATABASE_KINDS)('metrics, health and docs on %s', (kind) => {
  let t: TestService;
  let rx: Receiver;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0, config: { webhookRetryBaseMs: 50, webhookPollMs: 10 } });
    await seedLocations(t, { EAST: { priority: 1 } });
    await seedProducts(t, { 'MX-1': {}, 'MX-2': {} });
    await seedOnHand(t, [['MX-1', 'EAST', 10]]);
    await patchSettings(t, SCENARIO_SETTINGS);
    rx = await startReceiver();
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  const scrape = async (): Promise<Scrape> => {
    const r = await t.api('GET', '/metrics', undefined, { key: null });
    expectStatus(r, 200);
    expect(String(r.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(r.text);
  };

  it('serves Prometheus text without a key, with process and event-loop metrics', async () => {
    const m = await scrape();
    for (const name of [
      'holdfast_http_requests_total',
      'holdfast_http_request_duration_seconds',
      'holdfast_orders_placed_total',
      'holdfast_line_moves_total',
      'holdfast_held_lines',
      'holdfast_job_runs_total',
      'holdfast_job_run_duration_seconds',
      'holdfast_webhook_deliveries_total',
      'holdfast_outbox_lag_seconds',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(m.families.has(name), `${name} is missing`).toBe(true);
    }
    expect(m.families.get('holdfast_http_request_duration_seconds')!.type).toBe('HISTOGRAM');
    expect(m.families.get('holdfast_orders_placed_total')!.type).toBe('COUNTER');
    expect(m.families.get('holdfast_held_lines')!.type).toBe('GAUGE');
  });

  it('moves its counters with the work: orders, line moves, held lines, job runs, webhook deliveries, requests', async () => {
    const before = await scrape();
    const released = await placeOrder(t, 'MX-order-1', [['MX-1', 2]]);
    await placeOrder(t, 'MX-order-2', [['MX-2', 1], ['MX-2', 2]]);
    expectStatus(await t.api('POST', '/api/orders', { externalId: 'MX-order-1', lines: [{ sku: 'MX-1', quantity: 2 }] }), 200); // a replay
    expectStatus(await t.api('GET', `/api/orders/${released.id}`), 200);
    expectStatus(await t.api('GET', '/api/orders/no-such-order'), 404);
    expectStatus(await t.api('POST', `/api/fulfillment/lines/${released.lines[0].id}/ship`), 200);
    // One unit of MX-2 arrives: the run releases the held line of quantity 1 and keeps the other on hold.
    await seedOnHand(t, [['MX-2', 'EAST', 1]]);
    expectStatus(await t.api('POST', '/api/jobs/backorder/runs?wait=true'), 200);
    expectStatus(await t.api('PUT', '/api/webhooks/metrics', { url: rx.url, secret: 'whsec_metrics_0123456789', events: ['*'] }), 201);
    expect((await t.api('POST', '/api/webhooks/metrics/ping')).body.status).toBe('delivered');
    rx.behave(() => ({ status: 500 }));
    expect((await t.api('POST', '/api/webhooks/metrics/ping')).body.status).toBe('pending');
    const after = await scrape();

    const diff = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(diff('holdfast_orders_placed_total')).toBe(2);
    expect(diff('holdfast_line_moves_total', { from: 'New', to: 'AwaitingFulfillment' })).toBe(1);
    expect(diff('holdfast_line_moves_total', { from: 'New', to: 'BackorderHold' })).toBe(2);
    expect(diff('holdfast_line_moves_total', { from: 'AwaitingFulfillment', to: 'Shipped' })).toBe(1);
    expect(diff('holdfast_line_moves_total', { from: 'BackorderHold', to: 'AwaitingFulfillment' })).toBe(1);
    expect(sample(after, 'holdfast_held_lines', { status_reason: 'BackorderHold' })).toBe(1);
    // Zero as a series of its own (sample() reads a missing series as 0 too).
    expect(after.samples.get('holdfast_held_lines')?.find((s) => s.labels.status_reason === 'PreorderHold')?.value).toBe(0);
    expect(diff('holdfast_job_runs_total', { job_type: 'backorder', trigger: 'manual', status: 'succeeded' })).toBe(1);
    const runLabels = { job_type: 'backorder', trigger: 'manual', status: 'succeeded' };
    expect(histogramCount(after, 'holdfast_job_run_duration_seconds', runLabels) - histogramCount(before, 'holdfast_job_run_duration_seconds', runLabels)).toBe(1);
    expect(diff('holdfast_webhook_deliveries_total', { outcome: 'delivered' })).toBe(1);
    expect(diff('holdfast_webhook_deliveries_total', { outcome: 'retrying' })).toBe(1);
    // Requests by route pattern and status, never by raw url.
    expect(diff('holdfast_http_requests_total', { method: 'POST', route: '/api/orders', status_code: '201' })).toBe(2);
    expect(diff('holdfast_http_requests_total', { method: 'POST', route: '/api/orders', status_code: '200' })).toBe(1);
    expect(diff('holdfast_http_requests_total', { method: 'GET', route: '/api/orders/:id', status_code: '200' })).toBe(1);
    expect(diff('holdfast_http_requests_total', { method: 'GET', route: '/api/orders/:id', status_code: '404' })).toBe(1);
    const values = labelValues(after);
    for (const secretOrData of [released.id, released.lines[0].id, 'MX-order-1', 'MX-1', 'no-such-order', rx.url]) {
      expect([...values].some((v) => v.includes(secretOrData)), `${secretOrData} in a label`).toBe(false);
    }
    // The lag is a series of its own (a missing one would read as 0 above); its value is checked in the next test.
    expect(after.samples.get('holdfast_outbox_lag_seconds')).toHaveLength(1);
  });

  it('health says the database answers and how far behind webhook delivery is', async () => {
    // No dispatcher runs in this service: what is written waits to be fanned out, and its age grows with the clock.
    expectStatus(await t.api('PUT', '/api/webhooks/health', { url: rx.url, secret: 'whsec_health_0123456789', events: ['*'] }), 201);
    await t.setClock('2028-06-01T10:00:00Z');
    await placeOrder(t, 'HL-1', [['MX-1', 1]]);
    const fresh = await t.api('GET', '/health', undefined, { key: null });
    expectStatus(fresh, 200);
    expect(fresh.body).toMatchObject({ status: 'ok', database: kind, webhooks: { dispatcher: 'stopped', outboxLagSeconds: expect.any(Number) } });
    await t.setClock('2028-06-01T10:00:42Z');
    const later = await t.api('GET', '/health', undefined, { key: null });
    expect(later.body.webhooks.outboxLagSeconds - fresh.body.webhooks.outboxLagSeconds).toBe(42);
    expect(sample(await scrape(), 'holdfast_outbox_lag_seconds')).toBe(later.body.webhooks.outboxLagSeconds);

    // Once the dispatcher runs and the receiver answers, it catches up: the lag goes back to 0.
    rx.behave(() => ({ status: 200 }));
    t.service.webhooks.start();
    await expect.poll(async () => (await t.api('GET', '/health', undefined, { key: null })).body.webhooks, { timeout: 10_000 }).toEqual({ dispatcher: 'running', outboxLagSeconds: 0 });
    expect(rx.delivered().some((r) => r.json.data?.id !== undefined)).toBe(true);

    // The lag's lookup starts at the fan-out position (past the events fanned out before it); events written after
    // that, with the dispatcher stopped again, still count.
    const position = async () => Number((await t.service.database.db.selectFrom('webhook_fan_out').select('event_id').executeTakeFirstOrThrow()).event_id);
    await expect.poll(position, { timeout: 10_000 }).toBeGreaterThan(0);
    await t.service.webhooks.stop();
    await placeOrder(t, 'HL-2', [['MX-1', 1]]);
    await t.setClock('2028-06-01T10:01:12Z');
    const behind = await t.api('GET', '/health', undefined, { key: null });
    expect(behind.body.webhooks).toEqual({ dispatcher: 'stopped', outboxLagSeconds: 30 });
  });

  it('GET /docs serves the interactive reference from local files', async () => {
    const page = await t.api('GET', '/docs', undefined, { key: null });
    expectStatus(page, 200);
    expect(String(page.headers['content-type'])).toMatch(/^text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      expect(asset, 'no CDN').not.toMatch(/^(https?:)?\/\//);
      const r = await t.api('GET', new URL(asset, 'http://local/docs/').pathname, undefined, { key: null });
      expectStatus(r, 200);
    }
    const spec = await t.api('GET', '/docs/json', undefined, { key: null });
    expectStatus(spec, 200);
    expect(spec.body.paths['/api/webhooks/{id}']).toBeDefined();
  });
});
