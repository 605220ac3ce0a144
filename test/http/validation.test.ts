/**
 * Bad input everywhere (SPEC sections 7 and 10): each answer is problem+json with type, title, status, detail and,
 * for a field, errors[].path a JSON Pointer naming it; never a 500; never a partial write. That includes text
 * PostgreSQL cannot store (a NUL character) and crafted cursors (fractions, huge numbers, the wrong types, long
 * strings). A product or location read back with GET may be PUT as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { ApiOptions, TestService } from '../fixtures/test-service.ts';
import { SCENARIO_SETTINGS, T0, expectProblem, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts, seedSchedules, stockRow, tableCount } from '../fixtures/seed.ts';

interface BadCase {
  readonly what: string;
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
  readonly options?: ApiOptions;
  readonly status: number | '4xx';
  readonly pointer?: string;
}

const line = { sku: 'KB-1', quantity: 1 };
const order = (over: Record<string, unknown>) => ({ externalId: 'bad-order', lines: [line], ...over });
const withoutKey = (key: string) => {
  const o: Record<string, unknown> = order({});
  delete o[key];
  return o;
};
const raw = (text: string | Buffer, contentType = 'application/json'): ApiOptions => ({ raw: text, contentType });

const ORDER_CASES: BadCase[] = [
  ...([
    ['negative quantity', { lines: [{ sku: 'KB-1', quantity: -1 }] }, '/lines/0/quantity'],
    ['zero quantity', { lines: [{ sku: 'KB-1', quantity: 0 }] }, '/lines/0/quantity'],
    ['fractional quantity', { lines: [{ sku: 'KB-1', quantity: 1.5 }] }, '/lines/0/quantity'],
    ['quantity as text', { lines: [{ sku: 'KB-1', quantity: '2' }] }, '/lines/0/quantity'],
    ['null quantity', { lines: [{ sku: 'KB-1', quantity: null }] }, '/lines/0/quantity'],
    ['missing quantity', { lines: [{ sku: 'KB-1' }] }, '/lines/0/quantity'],
    ['sku as a number', { lines: [{ sku: 42, quantity: 1 }] }, '/lines/0/sku'],
    ['sku with bad characters', { lines: [{ sku: 'KB 1!', quantity: 1 }] }, '/lines/0/sku'],
    ['lines as text', { lines: 'KB-1' }, '/lines'],
    ['no lines', { lines: [] }, '/lines'],
    ['501 lines', { lines: Array.from({ length: 501 }, () => line) }, '/lines'],
    ['empty externalId', { externalId: '' }, '/externalId'],
    ['externalId as a number', { externalId: 7 }, '/externalId'],
    ['priority as text', { priority: 'high' }, '/priority'],
    ['priority above 9', { priority: 10 }, '/priority'],
    ['negative priority', { priority: -1 }, '/priority'],
    ['channel as a number', { channel: 5 }, '/channel'],
    ['shipTo as text', { shipTo: 'US' }, '/shipTo'],
    ['shipTo.country as a number', { shipTo: { country: 1 } }, '/shipTo/country'],
    ['unknown field', { colour: 'red' }, '/colour'],
    ['unknown line field', { lines: [{ sku: 'KB-1', quantity: 1, colour: 'red' }] }, '/lines/0/colour'],
    ['unknown shipTo field', { shipTo: { city: 'Paris' } }, '/shipTo/city'],
    // Found by the fuzz: a field name with `/` or `~` is one escaped pointer segment (RFC 6901), not two fields.
    ['unknown field with a slash in its name', { 'a/b': 1 }, '/a~1b'],
    ['unknown field with a tilde in its name', { '~0': 1 }, '/~00'],
    ['a bad second line', { lines: [line, { sku: 'KB-1', quantity: 0 }] }, '/lines/1/quantity'],
    ['line number 0', { lines: [{ ...line, lineNumber: 0 }] }, '/lines/0/lineNumber'],
    ['repeated line number', { lines: [{ ...line, lineNumber: 3 }, { ...line, lineNumber: 3 }] }, '/lines/1/lineNumber'],
  ] as const).map(([what, over, pointer]): BadCase => ({ what: `order: ${what}`, method: 'POST', url: '/api/orders', body: order(over), status: 400, pointer })),
  { what: 'order: missing lines', method: 'POST', url: '/api/orders', body: withoutKey('lines'), status: 400, pointer: '/lines' },
  { what: 'order: missing externalId', method: 'POST', url: '/api/orders', body: withoutKey('externalId'), status: 400, pointer: '/externalId' },
  { what: 'order: unknown sku', method: 'POST', url: '/api/orders', body: order({ lines: [line, { sku: 'ZZ-404', quantity: 1 }] }), status: '4xx', pointer: '/lines/1/sku' },
  { what: 'order: an array body', method: 'POST', url: '/api/orders', body: [order({})], status: 400 },
  { what: 'order: malformed JSON', method: 'POST', url: '/api/orders', options: raw('{"externalId": "x", "lines": [{"sku": "KB-1", "quantity": 1}'), status: 400 },
  { what: 'order: a __proto__ key', method: 'POST', url: '/api/orders', options: raw('{"externalId":"p","__proto__":{"x":1},"lines":[{"sku":"KB-1","quantity":1}]}'), status: 400 },
  { what: 'order: oversize body', method: 'POST', url: '/api/orders', options: raw(JSON.stringify(order({ customerId: 'x'.repeat(1_200_000) }))), status: 413 },
  { what: 'order: not JSON', method: 'POST', url: '/api/orders', options: raw('externalId=x', 'text/plain'), status: '4xx' },
];

const CATALOG_CASES: BadCase[] = [
  ...([
    ['impossible launchDate', { name: 'P', preorderEligible: true, launchDate: '2028-02-30' }, '/launchDate'],
    ['launchDate not YYYY-MM-DD', { name: 'P', preorderEligible: true, launchDate: '06/03/2028' }, '/launchDate'],
    ['preorder without launchDate', { name: 'P', preorderEligible: true }, '/launchDate'],
    ['preorder with null launchDate', { name: 'P', preorderEligible: true, launchDate: null }, '/launchDate'],
    ['missing name', { preorderEligible: false }, '/name'],
    ['empty name', { name: '' }, '/name'],
    ['allowBackorder as text', { name: 'P', allowBackorder: 'no' }, '/allowBackorder'],
    ['unknown field', { name: 'P', colour: 'red' }, '/colour'],
  ] as const).map(([what, body, pointer]): BadCase => ({ what: `product: ${what}`, method: 'PUT', url: '/api/products/NEW-1', body, status: 400, pointer })),
  ...([
    ['negative handlingDays', { name: 'L', priority: 1, handlingDays: -1 }, '/handlingDays'],
    ['fractional priority', { name: 'L', priority: 1.5 }, '/priority'],
    ['missing priority', { name: 'L' }, '/priority'],
    ['active as text', { name: 'L', priority: 1, active: 'yes' }, '/active'],
    ['unknown field', { name: 'L', priority: 1, city: 'Paris' }, '/city'],
  ] as const).map(([what, body, pointer]): BadCase => ({ what: `location: ${what}`, method: 'PUT', url: '/api/locations/NEW-L', body, status: 400, pointer })),
];

const LIST_CASES: BadCase[] = [
  ...['/api/orders', '/api/order-lines', '/api/products', '/api/locations', '/api/inventory/schedules', '/api/jobs/runs'].flatMap((url): BadCase[] => [
    { what: `${url}?limit=501`, method: 'GET', url: `${url}?limit=501`, status: 400, pointer: '/limit' },
    { what: `${url}?limit=0`, method: 'GET', url: `${url}?limit=0`, status: 400, pointer: '/limit' },
    { what: `${url}?limit=ten`, method: 'GET', url: `${url}?limit=ten`, status: 400, pointer: '/limit' },
    { what: `${url}?cursor=bogus`, method: 'GET', url: `${url}?cursor=bogus`, status: 400, pointer: '/cursor' },
  ]),
  { what: 'order-lines ?statusReason=Bogus', method: 'GET', url: '/api/order-lines?statusReason=Bogus', status: 400, pointer: '/statusReason' },
  { what: 'orders ?statusReason=Bogus', method: 'GET', url: '/api/orders?statusReason=Bogus', status: 400, pointer: '/statusReason' },
];

const OTHER_CASES: BadCase[] = [
  { what: 'clock: not an instant', method: 'PUT', url: '/api/admin/clock', body: { now: 'yesterday' }, status: 400, pointer: '/now' },
  { what: 'line cancel: line number not a number', method: 'POST', url: '/api/orders/x/lines/abc/cancel', status: '4xx' },
  { what: 'on-hand: not an array', method: 'PUT', url: '/api/inventory/on-hand', body: { sku: 'KB-1', locationId: 'EAST', onHand: 1 }, status: 400 },
  { what: 'on-hand: unknown field', method: 'PUT', url: '/api/inventory/on-hand', body: [{ sku: 'KB-1', locationId: 'EAST', onHand: 1, colour: 'red' }], status: 400, pointer: '/0/colour' },
  { what: 'on-hand: missing onHand', method: 'PUT', url: '/api/inventory/on-hand', body: [{ sku: 'KB-1', locationId: 'EAST' }], status: 400, pointer: '/0/onHand' },
  { what: 'schedules: impossible date', method: 'POST', url: '/api/inventory/schedules', body: [{ sku: 'KB-1', locationId: 'EAST', date: '2028-02-30', quantity: 1 }], status: 400, pointer: '/0/date' },
  { what: 'schedules: date not YYYY-MM-DD', method: 'POST', url: '/api/inventory/schedules', body: [{ sku: 'KB-1', locationId: 'EAST', date: '06/03/2028', quantity: 1 }], status: 400, pointer: '/0/date' },
  // Instants whose day or hour does not exist are refused, not rolled over into the next day.
  ...['2026-02-30T00:00:00Z', '2026-02-29T12:00:00Z', '2026-04-31T10:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:00:60Z', '2026-01-01T10:00:00+24:00'].map(
    (now): BadCase => ({ what: `clock: ${now}`, method: 'PUT', url: '/api/admin/clock', body: { now }, status: 400, pointer: '/now' }),
  ),
  // Integers in paths and query strings: decimal digits only, and exact (no hex, exponent, padding or rounding).
  { what: 'line cancel: line number in hex', method: 'POST', url: '/api/orders/x/lines/0x1/cancel', status: 400, pointer: '/lineNumber' },
  { what: 'schedule delete: id in hex', method: 'DELETE', url: '/api/inventory/schedules/0x10', status: 400, pointer: '/id' },
  { what: 'schedule delete: id past 2^53', method: 'DELETE', url: '/api/inventory/schedules/9007199254740993', status: 400, pointer: '/id' },
  { what: 'redeliver: delivery id past a bigint', method: 'POST', url: '/api/webhooks/wh-x/deliveries/99999999999999999999/retry', status: 400, pointer: '/deliveryId' },
  { what: 'redeliver: delivery id 1e300', method: 'POST', url: '/api/webhooks/wh-x/deliveries/1e300/retry', status: 400, pointer: '/deliveryId' },
  { what: 'list: ?limit=0x10', method: 'GET', url: '/api/orders?limit=0x10', status: 400, pointer: '/limit' },
  { what: 'list: ?limit=1e2', method: 'GET', url: '/api/products?limit=1e2', status: 400, pointer: '/limit' },
  { what: 'list: ?limit=%201', method: 'GET', url: '/api/products?limit=%201', status: 400, pointer: '/limit' },
  // A route without query parameters refuses any, before it writes.
  { what: 'order: ?dryRun=true where there is none', method: 'POST', url: '/api/orders?dryRun=true', body: order({ externalId: 'query-refused' }), status: 400, pointer: '/dryRun' },
  { what: 'settings: ?dryRun=true where there is none', method: 'PATCH', url: '/api/settings?dryRun=true', body: { backorders: false }, status: 400, pointer: '/dryRun' },
  { what: 'on-hand: ?mode=add where there is none', method: 'PUT', url: '/api/inventory/on-hand?mode=add', body: [{ sku: 'KB-1', locationId: 'EAST', onHand: 99 }], status: 400, pointer: '/mode' },
  { what: 'settings read: ?foo=bar', method: 'GET', url: '/api/settings?foo=bar', status: 400, pointer: '/foo' },
  // Text the service would have to store as replacement characters: not UTF-8, or half a surrogate pair.
  { what: 'order: latin-1 bytes', method: 'POST', url: '/api/orders', options: raw(Buffer.from('{"externalId":"lat\xe9","lines":[{"sku":"KB-1","quantity":1}]}', 'latin1')), status: 400, pointer: '' },
  { what: 'order: half a surrogate pair', method: 'POST', url: '/api/orders', options: raw('{"externalId":"sur\\ud800","lines":[{"sku":"KB-1","quantity":1}]}'), status: 400, pointer: '/externalId' },
  { what: 'product: half a surrogate pair in a name', method: 'PUT', url: '/api/products/SUR-1', options: raw('{"name":"bad\\udfffname"}'), status: 400, pointer: '/name' },
  // A bulk body over its row limit is refused as a whole, before its rows are checked.
  { what: 'on-hand: 50,001 bad rows', method: 'PUT', url: '/api/inventory/on-hand', body: Array.from({ length: 50_001 }, (_, i) => ({ sku: `U${i}`, locationId: 'NOWHERE', onHand: -1, x: 1 })), status: 400, pointer: '' },
  // Actions that take no body refuse one with fields.
  { what: 'ping: a body with a field', method: 'POST', url: '/api/webhooks/wh-x/ping', body: { foo: 1 }, status: 400, pointer: '/foo' },
  { what: 'redeliver: a body with a field', method: 'POST', url: '/api/webhooks/wh-x/deliveries/1/retry', body: { foo: 1 }, status: 400, pointer: '/foo' },
  { what: 'repair: a body with a field', method: 'POST', url: '/api/admin/integrity/repair', body: { foo: 1 }, status: 400, pointer: '/foo' },
  // Deletes take no body either: a body with fields is refused, not ignored.
  { what: 'schedules delete: a body with a field', method: 'DELETE', url: '/api/inventory/schedules?sku=KB-1', body: { foo: 1 }, status: 400, pointer: '/foo' },
  { what: 'schedule delete: a body with a field', method: 'DELETE', url: '/api/inventory/schedules/1', body: { foo: 1 }, status: 400, pointer: '/foo' },
  { what: 'key revoke: a body with a field', method: 'DELETE', url: '/api/keys/key_x', body: { foo: 1 }, status: 400, pointer: '/foo' },
  { what: 'webhook delete: a body with a field', method: 'DELETE', url: '/api/webhooks/wh-x', body: { foo: 1 }, status: 400, pointer: '/foo' },
  // A schedules upload's query string is checked for CSV as for JSON, before anything is written.
  { what: 'schedules CSV: ?mode=Replace', method: 'POST', url: '/api/inventory/schedules?mode=Replace', options: raw('sku,locationId,date,quantity,reference\nKB-1,EAST,2028-06-01,5,PO-9\n', 'text/csv'), status: 400, pointer: '/mode' },
  { what: 'schedules CSV: an unknown query parameter', method: 'POST', url: '/api/inventory/schedules?mode=replace&validateOnly=true', options: raw('sku,locationId,date,quantity,reference\nKB-1,EAST,2028-06-01,5,PO-9\n', 'text/csv'), status: 400, pointer: '/validateOnly' },
  { what: 'schedules JSON: ?mode=bogus', method: 'POST', url: '/api/inventory/schedules?mode=bogus', body: [{ sku: 'KB-1', locationId: 'EAST', date: '2028-06-01', quantity: 5 }], status: 400, pointer: '/mode' },
];

const NUL = '\u0000';
/** A cursor as a client could craft one: base64url of any JSON. */
const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
const LONG = 'x'.repeat(10_000);

describe.each(DATABASE_KINDS)('bad input on %s', (kind) => {
  let t: TestService;
  let existing: any;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1 } });
    await seedProducts(t, { 'KB-1': {}, 'KB-2': {} });
    await seedOnHand(t, [['KB-1', 'EAST', 10]]);
    await seedSchedules(t, [{ sku: 'KB-1', locationId: 'EAST', date: '2028-07-01', quantity: 5 }]);
    await patchSettings(t, SCENARIO_SETTINGS);
    existing = await placeOrder(t, 'existing-1', [['KB-1', 2]]);
  });
  afterAll(async () => t?.close());

  const snapshot = async () => ({
    orders: await tableCount(t, 'orders'),
    lines: await tableCount(t, 'order_lines'),
    events: await tableCount(t, 'line_events'),
    products: await tableCount(t, 'products'),
    locations: await tableCount(t, 'locations'),
    stockRows: await tableCount(t, 'stock'),
    schedules: await tableCount(t, 'schedule_entries'),
    audits: await tableCount(t, 'config_audit'),
    kb1: await stockRow(t, 'KB-1', 'EAST'),
    settings: (await t.api('GET', '/api/settings')).body,
    policies: (await t.api('GET', '/api/policies')).body,
    kb1Product: (await t.api('GET', '/api/products/KB-1')).body,
  });

  for (const [group, cases] of [['order intake', ORDER_CASES], ['catalog', CATALOG_CASES], ['lists', LIST_CASES], ['other routes', OTHER_CASES]] as const) {
    it(`answers each bad ${group} request with a problem naming the field and writes nothing`, async () => {
      const before = await snapshot();
      for (const c of cases) {
        const r = await t.api(c.method, c.url, c.body, c.options);
        expect(r.status, `${c.what}: ${r.status} ${r.text.slice(0, 300)}`).toBeLessThan(500);
        try {
          expectProblem(r, c.status, c.pointer);
        } catch (e) {
          throw new Error(`${c.what}: ${(e as Error).message}`);
        }
      }
      expect(await snapshot()).toEqual(before);
    });
  }

  it('says what is allowed: a query parameter as a query parameter, "or null" for a nullable field, "no body, or {}" for an action', async () => {
    const query = await t.api('POST', '/api/inventory/schedules?mode=bogus', [{ sku: 'KB-1', locationId: 'EAST', date: '2028-06-01', quantity: 5 }]);
    expectProblem(query, 400, '/mode');
    expect(query.body.detail).toMatch(/^query parameter mode must be one of add, replace/);
    const nullable = await t.api('POST', '/api/orders', order({ externalId: 'nullable-message', customerId: 5 }));
    expectProblem(nullable, 400, '/customerId');
    expect(nullable.body.errors).toEqual([{ path: '/customerId', message: 'must be a string or null' }]);
    const tooLong = await t.api('POST', '/api/orders', order({ externalId: 'nullable-message', customerId: 'c'.repeat(101) }));
    expect(tooLong.body.errors).toEqual([{ path: '/customerId', message: 'must be at most 100 characters' }]);
    const action = await t.api('POST', `/api/orders/${existing.id}/cancel`, { reason: 'x' });
    expectProblem(action, 400, '/reason');
    expect(action.body.errors).toEqual([
      { path: '/reason', message: 'unknown field "reason"' },
      { path: '', message: 'must be no body, or {}' },
    ]);
    const oversize = await t.api('POST', '/api/inventory/adjustments', Array.from({ length: 50_001 }, () => ({ sku: 'KB-1', locationId: 'EAST', delta: 1 })));
    expect(oversize.body).toMatchObject({ status: 400, detail: 'the body has 50,001 rows; send at most 50,000 in one request', errors: [{ path: '', message: 'must have at most 50,000 items' }] });
    const wholeBody = await t.api('PUT', '/api/inventory/on-hand', { sku: 'KB-1' });
    expect(wholeBody.body.detail).toBe('the body has 1 error, and nothing was written: the body must be a list');
    const spaced = await t.api('PUT', '/api/webhooks/wh-spaced', { url: 'http://a b/', secret: '0123456789abcdef', events: ['*'] });
    expect(spaced.body.errors).toContainEqual({ path: '/url', message: 'must not contain spaces or NUL characters' });
    const schedulesSku = await t.api('PUT', '/api/products/schedules', { name: 'a sku that names a route' });
    expectProblem(schedulesSku, 400, '/sku');
    expect(schedulesSku.body.errors[0].message).toBe('must be 1-64 characters of A-Z a-z 0-9 . _ - (not ".", ".." or "schedules")');
    const gzipped = await t.api('POST', '/api/orders', undefined, { raw: '\u001f\u008b', contentType: 'application/json', headers: { 'content-encoding': 'gzip' } });
    expectProblem(gzipped, 415);
    expect(gzipped.body.detail).toBe('Content-Encoding gzip is not accepted; send the body uncompressed');
    // Whole characters are fine, escaped as a pair or sent as UTF-8, after a byte-order mark too.
    const pair = await t.api('PUT', '/api/products/EMOJI-1', undefined, { raw: '\ufeff{"name":"box \\ud83d\\udce6 and \u{1F4E6}"}' });
    expectStatus(pair, 201);
    expect(pair.body.name).toBe('box \u{1F4E6} and \u{1F4E6}');
    // Half a pair deep inside a deeply nested body: found without recursion, its pointer kept short.
    const deep = await t.api('POST', '/api/orders', undefined, { raw: `${'['.repeat(100_000)}"\\ud800"${']'.repeat(100_000)}` });
    expectProblem(deep, 400);
    expect(deep.body.errors[0].path).toMatch(/^(\/0){100}\.\.\.$/);
    const hex = await t.api('GET', '/api/orders?limit=0x10');
    expect(hex.body.errors).toEqual([{ path: '/limit', message: 'must be a whole number in decimal digits' }]);
  });

  it('names the sku of a bad product or location path', async () => {
    for (const url of ['/api/products/KB*1', '/api/products/KB%201', `/api/products/${'A'.repeat(65)}`]) {
      const r = await t.api('PUT', url, { name: 'Bad' });
      expectProblem(r, 400);
      expect(r.text.toLowerCase(), url).toContain('sku');
    }
    expectProblem(await t.api('GET', '/api/products/NO-SUCH'), 404);
    expectProblem(await t.api('GET', '/api/locations/NO-SUCH'), 404);
    expectProblem(await t.api('GET', '/api/orders/NO-SUCH'), 404);
    expectProblem(await t.api('GET', '/api/orders/NO-SUCH/events'), 404);
    expectProblem(await t.api('GET', '/api/no-such-route'), 404);
  });

  it('refuses a cursor another list gave out', async () => {
    const products = await t.api('GET', '/api/products?limit=1');
    expectStatus(products, 200);
    expect(typeof products.body.nextCursor).toBe('string');
    expectProblem(await t.api('GET', `/api/orders?cursor=${encodeURIComponent(products.body.nextCursor)}`), 400, '/cursor');
    expectProblem(await t.api('GET', `/api/order-lines?cursor=${encodeURIComponent(products.body.nextCursor)}`), 400, '/cursor');
  });

  it('accepts the largest page, ?limit=500', async () => {
    for (const url of ['/api/orders', '/api/order-lines', '/api/products', '/api/locations', '/api/inventory/schedules']) {
      expectStatus(await t.api('GET', `${url}?limit=500`), 200);
    }
  });
  it('refuses a NUL character in any text field with a 400 naming the field, and writes nothing', async () => {
    const before = await snapshot();
    const rule = { name: 'r', match: { country: ['US'] }, locationIds: ['EAST'] };
    const schedule = { sku: 'KB-1', locationId: 'EAST', date: '2028-06-05', quantity: 1 };
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/orders', order({ externalId: `nul${NUL}1` }), '/externalId'],
      ['POST', '/api/orders', order({ externalId: 'nul-2', channel: `web${NUL}` }), '/channel'],
      ['POST', '/api/orders', order({ externalId: 'nul-3', customerId: `${NUL}` }), '/customerId'],
      ['POST', '/api/orders', order({ externalId: 'nul-4', shipTo: { country: 'U\u0000S' } }), '/shipTo/country'],
      ['PUT', '/api/products/NUL-1', { name: `Nul${NUL}name` }, '/name'],
      ['PUT', '/api/products/KB-1', { name: `KB${NUL}` }, '/name'],
      ['PUT', '/api/locations/NUL-L', { name: `L${NUL}`, priority: 5 }, '/name'],
      ['POST', '/api/inventory/schedules', [schedule, { ...schedule, reference: `PO${NUL}7` }], '/1/reference'],
      ['POST', '/api/inventory/adjustments', [{ sku: 'KB-1', locationId: 'EAST', delta: 1, reference: `adj${NUL}` }], '/0/reference'],
      ['PUT', '/api/policies', { rules: [{ ...rule, name: `rule${NUL}` }] }, '/rules/0/name'],
      ['PUT', '/api/policies', { rules: [rule, { ...rule, match: { channel: [`web${NUL}`] } }] }, '/rules/1/match/channel/0'],
      // Found by the fuzz (test/http/fuzz.test.ts): a bulk row's sku with a NUL was looked up as a product (a 500 on PostgreSQL).
      ['POST', '/api/inventory/schedules', [{ ...schedule, sku: `a${NUL}b` }], '/0/sku'],
      ['PUT', '/api/inventory/on-hand', [{ sku: `KB${NUL}1`, locationId: 'EAST', onHand: 1 }], '/0/sku'],
      ['POST', '/api/inventory/adjustments', [{ sku: `KB${NUL}1`, locationId: 'EAST', delta: 1 }], '/0/sku'],
    ];
    for (const [method, url, body, pointer] of cases) {
      const r = await t.api(method, url, body);
      try {
        expectProblem(r, 400, pointer);
      } catch (e) {
        throw new Error(`${method} ${url} ${pointer}: ${(e as Error).message}`);
      }
    }
    const csv = `sku,locationId,date,quantity,reference\nKB-1,EAST,2028-06-05,3,ok\nKB-1,EAST,2028-06-06,3,bad${NUL}ref\n`;
    expectProblem(await t.api('POST', '/api/inventory/schedules', undefined, { raw: csv, contentType: 'text/csv' }), 400, '/1/reference');
    const csvSku = `sku,locationId,date,quantity\nKB-1,EAST,2028-06-05,3\na${NUL}b,EAST,2028-06-06,3\n`;
    expectProblem(await t.api('POST', '/api/inventory/schedules', undefined, { raw: csvSku, contentType: 'text/csv' }), 400, '/1/sku');
    expect(await snapshot()).toEqual(before);
  });

  it('answers a NUL character in a path id with a 4xx problem, never a 500', async () => {
    const before = await snapshot();
    for (const [method, url] of [
      ['GET', '/api/orders/%00'],
      ['GET', '/api/orders/a%00b/events'],
      ['POST', '/api/orders/%00/cancel'],
      ['POST', '/api/orders/%00/lines/1/cancel'],
      ['POST', '/api/fulfillment/lines/%00/ship'],
      ['GET', '/api/jobs/runs/%00'],
      ['GET', '/api/products/%00'],
      ['GET', '/api/locations/%00'],
      ['GET', '/api/inventory/%00'],
    ] as const) {
      const r = await t.api(method, url);
      try {
        expectProblem(r, '4xx');
      } catch (e) {
        throw new Error(`${method} ${url}: ${(e as Error).message}`);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses crafted cursors with a 400 naming /cursor: fractions, huge numbers, wrong types, long or NUL strings', async () => {
    const run = await t.api('POST', '/api/jobs/backorder/runs?wait=true');
    expectStatus(run, 200);
    // Lists keyed by [number, string], [string, number], [number] and [string].
    const numberString = [[1.5, 'x'], [1e300, 'x'], [2 ** 53, 'x'], ['a', 'x'], ['a'], [1, LONG], [1, `x${NUL}`], [1, 'x', 2]];
    const stringNumber = [['2028-06-01', 1.5], ['2028-06-01', 1e300], ['2028-06-01', 'a'], ['a'], [LONG, 1], [`2028${NUL}`, 1]];
    const numberOnly = [[1.5], [1e300], [-1e300], ['a'], [LONG], [1, 2]];
    const numberNumber = [[1.5, 1], [0, 1e300], [0, -1e300], ['a', 1], [1], [LONG, 1], [0, 1, 2]];
    const stringOnly = [[1], [LONG], [`KB${NUL}`]];
    const cases: [string, unknown[][]][] = [
      ['/api/orders', numberString],
      ['/api/order-lines', numberString],
      ['/api/jobs/runs', numberString],
      ['/api/locations', numberString],
      ['/api/inventory/schedules', stringNumber],
      [`/api/orders/${existing.id}/events`, numberOnly],
      [`/api/jobs/runs/${run.body.id}`, numberNumber],
      ['/api/settings/audit', numberOnly],
      ['/api/products', stringOnly],
    ];
    for (const [url, keys] of cases) {
      for (const key of keys) {
        const r = await t.api('GET', `${url}?cursor=${encodeURIComponent(cursorOf(key))}`);
        try {
          expectProblem(r, 400, '/cursor');
        } catch (e) {
          throw new Error(`${url} with cursor ${JSON.stringify(key).slice(0, 60)}: ${(e as Error).message}`);
        }
      }
    }
    // A well-formed cursor of the right shape still pages.
    expectStatus(await t.api('GET', `/api/orders?cursor=${cursorOf([Date.parse(T0) + 1, 'ord'])}`), 200);
    expectStatus(await t.api('GET', `/api/inventory/schedules?cursor=${cursorOf(['2028-06-01', 1])}`), 200);
  });

  it('takes back a product or location as GET answered it, and refuses a sku or id that differs from the path', async () => {
    expectStatus(await t.api('PUT', '/api/products/RT-1', { name: 'Round trip', preorderEligible: true, launchDate: '2028-09-01' }), [200, 201]);
    const product = await t.api('GET', '/api/products/RT-1');
    expectStatus(product, 200);
    expect(product.body.sku).toBe('RT-1');
    const again = await t.api('PUT', '/api/products/RT-1', { ...product.body, name: 'Round trip 2' });
    expectStatus(again, 200);
    expect((await t.api('GET', '/api/products/RT-1')).body).toEqual({ ...product.body, name: 'Round trip 2' });

    expectStatus(await t.api('PUT', '/api/locations/RT-L', { name: 'Round trip', priority: 40, handlingDays: 2, active: false }), [200, 201]);
    const location = await t.api('GET', '/api/locations/RT-L');
    expectStatus(location, 200);
    expect(location.body.id).toBe('RT-L');
    expectStatus(await t.api('PUT', '/api/locations/RT-L', { ...location.body, priority: 41 }), 200);
    expect((await t.api('GET', '/api/locations/RT-L')).body).toEqual({ ...location.body, priority: 41 });

    const before = await snapshot();
    expectProblem(await t.api('PUT', '/api/products/RT-1', { ...product.body, sku: 'RT-2' }), 400, '/sku');
    expectProblem(await t.api('PUT', '/api/products/RT-9', { ...product.body }), 400, '/sku');
    expectProblem(await t.api('PUT', '/api/locations/RT-L', { ...location.body, id: 'RT-M' }), 400, '/id');
    expectProblem(await t.api('PUT', '/api/locations/RT-Z', { ...location.body }), 400, '/id');
    expect(await snapshot()).toEqual(before);
    expectProblem(await t.api('GET', '/api/products/RT-9'), 404);
    expectProblem(await t.api('GET', '/api/locations/RT-Z'), 404);
  });
});
