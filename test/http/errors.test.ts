/**
 * Every error is problem+json a person can act on (issues 10.7, 10.9, 11.3, 11.4, 11.9):
 *  - wording: enums name their allowed values, query parameters are called so, "lines must have at least 1
 *    item", a 415 names the accepted types;
 *  - errors made before any route runs (bad percent-encoding, an over-long path segment, a raw non-UTF-8 byte,
 *    17 KB of headers, a malformed request line, unknown routes and methods) are problem+json too, with no
 *    framework code in them;
 *  - ids and cursors out of their column's range are a 404 or a 400, the same on both databases;
 *  - decisions of 11.9: `bearer` in lower case works, `.` and `..` are no sku or location id, a body with
 *    fields on ship/cancel/job-run routes is refused (none, or `{}`, is fine);
 *  - every refused request is logged at info with its route and problem type.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, expectProblem, expectStatus, orderBody, placeOrder, seedLocations, seedOnHand, seedProducts, tableCount } from '../fixtures/seed.ts';
import { buildApp } from '../../src/http/app.ts';
import { KeyAuthenticator } from '../../src/app/access/api-keys.ts';

/** Sends raw bytes to the server and answers the status and parsed body of what comes back. */
async function raw(port: number, request: Buffer | string): Promise<{ status: number; type: string; body: any; text: string }> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('end', () => resolve(out));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.write(request);
  });
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  const type = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '';
  let body: any;
  try {
    body = JSON.parse(rest.join('\r\n\r\n'));
  } catch {
    body = undefined;
  }
  return { status, type, body, text };
}

function expectRawProblem(r: Awaited<ReturnType<typeof raw>>, status: number): void {
  expect(r.status, r.text).toBe(status);
  expect(r.type, r.text).toMatch(/^application\/problem\+json/);
  expect(r.body, r.text).toMatchObject({ type: expect.stringMatching(/^urn:holdfast:problem:/), title: expect.any(String), status, detail: expect.any(String) });
  expect(r.text).not.toMatch(/FST_|"code"|Client Error/);
}

describe.each(DATABASE_KINDS)('errors on %s', (kind) => {
  let t: TestService;
  let port: number;
  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1 } });
    await seedProducts(t, { 'ER-1': {} });
    await seedOnHand(t, [['ER-1', 'EAST', 100]]);
    await t.service.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.service.app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('names the allowed values of an enum, calls a query parameter so, and says "must have at least 1 item"', async () => {
    const reason = await t.api('GET', '/api/order-lines?statusReason=Backordered');
    expectProblem(reason, 400, '/statusReason');
    expect(reason.body.errors).toEqual([
      { path: '/statusReason', message: 'must be one of New, PreorderHold, BackorderHold, AwaitingFulfillment, Shipped, CanceledByRequest, BackorderSlaExpired, OutOfStock' },
    ]);
    expect(reason.body.detail).toBe(`query parameter statusReason ${reason.body.errors[0].message}`);
    expect(reason.text).not.toContain('constant');

    const limit = await t.api('GET', '/api/orders?limit=501');
    expectProblem(limit, 400, '/limit');
    expect(limit.body.detail).toBe('query parameter limit must be at most 500');
    const unknown = await t.api('GET', '/api/orders?colour=red');
    expectProblem(unknown, 400, '/colour');
    expect(unknown.body.detail).toBe('query parameter colour unknown field "colour"');

    const empty = await t.api('POST', '/api/orders', { externalId: 'ER-empty', lines: [] });
    expectProblem(empty, 400, '/lines');
    expect(empty.body.detail).toBe('lines must have at least 1 item');
    const many = await t.api('POST', '/api/orders', orderBody('ER-types', [['ER-1', 0]], { priority: 10 }));
    expect(many.body.detail).toBe('priority must be at most 9; lines[0].quantity must be at least 1');
    const type = await t.api('POST', '/api/orders', { externalId: 'ER-t', lines: [{ sku: 'ER-1', quantity: '2' }] });
    expect(type.body.errors).toEqual([{ path: '/lines/0/quantity', message: 'must be an integer' }]);
  });

  it('answers a body of a type the route does not take with a 415 naming the accepted types', async () => {
    const plain = await t.api('POST', '/api/orders', undefined, { raw: 'hello', contentType: 'text/plain' });
    expectProblem(plain, 415);
    expect(plain.body.detail).toBe('Content-Type text/plain is not accepted here; send application/json');
    const csvToOrders = await t.api('POST', '/api/orders', undefined, { raw: 'a,b\n1,2\n', contentType: 'text/csv' });
    expectProblem(csvToOrders, 415);
    expect(csvToOrders.body.detail).toContain('send application/json');
    const xml = await t.api('POST', '/api/inventory/schedules', undefined, { raw: '<x/>', contentType: 'application/xml' });
    expectProblem(xml, 415);
    expect(xml.body.detail).toBe('Content-Type application/xml is not accepted here; send application/json or text/csv');
  });

  it('answers errors made before any route runs as problem+json, with no framework code', async () => {
    const key = `Authorization: Bearer ${ADMIN_KEY}\r\n`;
    expectRawProblem(await raw(port, `GET /api/products/%ff HTTP/1.1\r\nHost: x\r\n${key}Connection: close\r\n\r\n`), 400);
    expectRawProblem(await raw(port, `GET /api/products/${'A'.repeat(1200)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), 414);
    // 101-1000 characters reach validation, which names the field.
    const long = await raw(port, `GET /api/products/${'A'.repeat(150)} HTTP/1.1\r\nHost: x\r\n${key}Connection: close\r\n\r\n`);
    expectRawProblem(long, 400);
    expect(long.body.errors[0].path).toBe('/sku');
    expectRawProblem(await raw(port, Buffer.concat([Buffer.from('GET /api/products/'), Buffer.from([0xff, 0xfe]), Buffer.from(` HTTP/1.1\r\nHost: x\r\n${key}\r\n`)])), 400);
    expectRawProblem(await raw(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17 * 1024)}\r\n\r\n`), 431);
    expectRawProblem(await raw(port, 'NOT HTTP AT ALL\r\n\r\n'), 400);
    expectRawProblem(await raw(port, `PATCH /api/orders HTTP/1.1\r\nHost: x\r\n${key}Connection: close\r\n\r\n`), 405);
    expectRawProblem(await raw(port, `GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), 404);
  });

  it('answers ids and cursors out of their column range with a 400 naming them, the same on both databases', async () => {
    expectProblem(await t.api('DELETE', '/api/inventory/schedules/9223372036854775808'), 400, '/id');
    expectProblem(await t.api('DELETE', '/api/inventory/schedules/99999999999999999999999'), 400, '/id');
    expectProblem(await t.api('POST', '/api/webhooks/wh-x/deliveries/9223372036854775807/retry'), 400, '/deliveryId');
    const cursor = Buffer.from(JSON.stringify([2147483648, 'x'])).toString('base64url');
    expectProblem(await t.api('GET', `/api/locations?cursor=${cursor}`), 400, '/cursor');
    const order = await placeOrder(t, 'ER-range', [['ER-1', 1]]);
    expectProblem(await t.api('POST', `/api/orders/${order.id}/lines/2147483648/cancel`), 400, '/lineNumber');
    expectProblem(await t.api('GET', '/api/orders'.concat('?limit=99999999999999999999')), 400, '/limit');
  });

  it('takes the Bearer scheme in any case (RFC 7235)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      expectStatus(await t.api('GET', '/api/orders', undefined, { key: null, headers: { authorization: `${scheme} ${ADMIN_KEY}` } }), 200);
    }
    const basic = await t.api('GET', '/api/orders', undefined, { key: null, headers: { authorization: `Basic ${ADMIN_KEY}` } });
    expectProblem(basic, 401);
    expect(basic.headers['www-authenticate']).toBe('Bearer realm="holdfast"');
  });

  it('refuses "." and ".." as skus and location ids, in paths and bodies', async () => {
    const key = `Authorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\n`;
    // Sent raw: an HTTP client library would resolve the dot segments before sending (that is why they are refused).
    const put = async (path: string, body: unknown) => {
      const text = JSON.stringify(body);
      return raw(port, `PUT ${path} HTTP/1.1\r\nHost: x\r\n${key}Content-Length: ${text.length}\r\nConnection: close\r\n\r\n${text}`);
    };
    for (const code of ['.', '..']) {
      const product = await put(`/api/products/${code}`, { name: 'dot' });
      expectRawProblem(product, 400);
      expect(product.body.errors.map((e: { path: string }) => e.path)).toEqual(['/sku']);
      const location = await put(`/api/locations/${code}`, { name: 'dot', priority: 1 });
      expectRawProblem(location, 400);
      expect(location.body.errors.map((e: { path: string }) => e.path)).toEqual(['/id']);
      expectProblem(await t.api('POST', '/api/orders', orderBody(`ER-dot${code}`, [[code, 1]])), 400, '/lines/0/sku');
      expectProblem(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'ER-1', locationId: code, onHand: 1 }]), 400, '/0/locationId');
    }
    expect(await tableCount(t, 'products')).toBe(1);
    // Dots inside a code are fine.
    expectStatus(await t.api('PUT', '/api/products/ER.1', { name: 'dotted' }), 201);
  });

  it('refuses a JSON body with fields on ship, cancel and job-run routes; none or {} is fine', async () => {
    const a = await placeOrder(t, 'ER-body-a', [['ER-1', 1], ['ER-1', 1]]);
    expectProblem(await t.api('POST', `/api/orders/${a.id}/cancel`, { reason: 'x' }), 400, '/reason');
    expectProblem(await t.api('POST', `/api/orders/${a.id}/lines/1/cancel`, { reason: 'x' }), 400, '/reason');
    expectProblem(await t.api('POST', `/api/fulfillment/lines/${a.lines[1].id}/ship`, { carrier: 'x' }), 400, '/carrier');
    expectProblem(await t.api('POST', '/api/jobs/backorder/runs', { skus: ['ER-1'] }), 400, '/skus');
    expectProblem(await t.api('POST', '/api/jobs/backorder/runs', [1]), 400);
    expect((await t.api('GET', `/api/orders/${a.id}`)).body.status).toBe('InFulfillment');

    expectStatus(await t.api('POST', `/api/orders/${a.id}/lines/1/cancel`, {}), 200);
    expectStatus(await t.api('POST', `/api/fulfillment/lines/${a.lines[1].id}/ship`), 200);
    await t.service.jobs.idle(); // the cancel freed stock: its event run goes first
    expectStatus(await t.api('POST', '/api/jobs/backorder/runs?wait=true', {}), 200);
    expectStatus(await t.api('POST', '/api/jobs/preorder/runs?wait=true', undefined, { raw: '', contentType: 'application/json' }), 200);
  });

  it('logs every refused request at info with its route and problem type', async () => {
    const lines: string[] = [];
    const app = await buildApp(
      {
        ctx: t.service.ctx,
        authenticator: new KeyAuthenticator(t.service.ctx),
        manualClock: t.service.manualClock,
        jobs: t.service.jobs,
        webhooks: t.service.webhooks,
        metrics: t.service.metrics,
      },
      { logLevel: 'info', requestLog: 'json', logStream: { write: (l) => void lines.push(l) } },
    );
    try {
      const call = (url: string, key: string | null = ADMIN_KEY) => app.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} });
      await call('/api/orders?limit=0');
      await call('/api/orders/ord_NOPE');
      await call('/api/orders', null);
      await call('/health');
      const logged = lines.map((l) => JSON.parse(l));
      const refused = logged.filter((l) => l.msg === 'request refused');
      expect(refused.map((l) => [l.level, l.route, l.statusCode, l.problem])).toEqual([
        [30, '/api/orders', 400, 'urn:holdfast:problem:validation'],
        [30, '/api/orders/:id', 404, 'urn:holdfast:problem:not-found'],
        [30, '/api/orders', 401, 'urn:holdfast:problem:unauthorized'],
      ]);
      // One line per request, the good ones too.
      expect(logged.filter((l) => l.url === '/health')).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
