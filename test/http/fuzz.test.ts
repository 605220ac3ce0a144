/**
 * A generative search for bad-input answers across the whole API (SPEC sections 7 and 10). The routes come from
 * the OpenAPI document the service serves, so a new route is fuzzed without editing this file; each request is a
 * valid-looking one with one fault (test/fixtures/openapi-requests.ts), sent against seeded data. Every answer:
 *  - is not a 5xx, and carries no stack trace or internal path;
 *  - when 4xx, is problem+json with type, title, status (the HTTP status) and detail, and, when the fault was a
 *    body field or query parameter the route's schema refuses, a 400 whose errors[] names that JSON Pointer;
 *  - when 4xx, wrote nothing: row counts of the tables, the stock quantities, the line versions and the config
 *    documents are the same after it as before (background job runs are waited for first).
 * The document lists every API route plus /health and /metrics. Not fuzzed, since it does not list them: the
 * console's static files and /docs (files, nothing to validate) and /api/openapi.json itself (takes no input).
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { ApiResponse, TestService } from '../fixtures/test-service.ts';
import { SCENARIO_SETTINGS, T0, addDays, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts, seedSchedules, TODAY } from '../fixtures/seed.ts';
import { operationsOf, requestsFor } from '../fixtures/openapi-requests.ts';
import type { FuzzRequest, Operation } from '../fixtures/openapi-requests.ts';

/** Change the seed to search elsewhere; a failure prints the seed and path that replay it. */
const SEED = 20_280_601;
const RUNS_PER_OPERATION = 100;
const MIXED_RUNS = 2_000;

/**
 * Whether anything was written, in one statement: the row counts of the tables (line_events and webhook_deliveries
 * are the outbox) plus sums of the columns an update would change (stock, line versions, the config documents, the
 * products' held versions, revocations). Cheaper than comparing whole tables after each of thousands of requests,
 * and it misses only an update that leaves every sum as it was.
 */
const FINGERPRINT = [
  ...['products', 'locations', 'stock', 'schedule_entries', 'promised_quantities', 'orders', 'order_lines', 'line_events', 'config', 'config_audit', 'api_keys', 'job_runs', 'job_run_records', 'webhook_subscriptions', 'webhook_deliveries'].map(
    (table) => `(select count(*) from ${table}) as ${table}`,
  ),
  '(select sum(on_hand) from stock) as on_hand',
  '(select sum(reserved) from stock) as reserved',
  '(select sum(version) from order_lines) as line_versions',
  '(select sum(length(value)) from config) as config_length',
  '(select sum(held_version) from products) as held_versions',
  '(select count(*) from api_keys where revoked_at is not null) as revoked_keys',
].join(', ');

/** What no answer shows; a problem also shows no framework or database error code (a delivery's lastError may). */
const LEAKS: [string, RegExp][] = [
  ['a stack trace', /\n\s+at /],
  ['an internal path', /\/work\/|node_modules|\/src\/|\.ts:\d/],
];
const PROBLEM_LEAKS: [string, RegExp][] = [['an internal error code', /FST_ERR|ERR_[A-Z_]{4,}|SQLITE_|\bE[A-Z]{4,}\b/]];

/** What is wrong with an answer (nothing: an empty list). */
function faultsOf(req: FuzzRequest, r: ApiResponse): string[] {
  const found: string[] = [];
  if (r.status >= 500) found.push(`answered ${r.status}`);
  const sent = `${req.url} ${JSON.stringify(req.body) ?? ''} ${String(req.options.raw ?? '')}`;
  for (const [what, pattern] of [...LEAKS, ...(r.status >= 400 ? PROBLEM_LEAKS : [])]) if (pattern.test(r.text) && !pattern.test(sent)) found.push(`the answer shows ${what}`);
  if (r.status >= 400 && r.status < 500) {
    if (!/^application\/problem\+json/.test(String(r.headers['content-type']))) found.push(`a ${r.status} of type ${String(r.headers['content-type'])}`);
    const b = r.body;
    if (typeof b?.type !== 'string' || typeof b?.title !== 'string' || typeof b?.detail !== 'string' || b?.status !== r.status) found.push('a problem without type, title, detail or the status');
    if (b?.errors !== undefined) {
      const ok = Array.isArray(b.errors) && b.errors.every((e: any) => typeof e?.message === 'string' && typeof e?.path === 'string' && /^(\/[^/]*)*$/.test(e.path));
      if (!ok) found.push('errors[] entries that are not { path: JSON Pointer, message }');
    }
  }
  if (req.pointer !== undefined) {
    const paths: string[] = Array.isArray(r.body?.errors) ? r.body.errors.map((e: any) => e?.path) : [];
    // A pointer past 200 characters is cut short and ends in "...": it must still lead to the field. A bulk body's
    // problem lists its first 100 errors only.
    const named = paths.length >= 100 || paths.some((p) => p === req.pointer || p.startsWith(`${req.pointer}/`) || (p.endsWith('...') && req.pointer!.startsWith(p.slice(0, -3))));
    if (r.status !== 400 || !named) found.push(`a ${r.status} that does not name ${req.pointer} (errors at ${JSON.stringify(paths.slice(0, 10))})`);
  }
  return found;
}

describe.each(DATABASE_KINDS)('fuzzed requests on %s', (kind) => {
  let t: TestService;
  let operations: Operation[];
  let pools: Record<string, (string | number)[]>;
  let viewer: string;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1 }, WEST: { priority: 2, handlingDays: 3 }, SHUT: { priority: 0, active: false } });
    await seedProducts(t, { 'KB-1': {}, 'KB-2': {}, 'PRE-1': { preorderEligible: true, launchDate: addDays(TODAY, 20) }, 'NOBO-1': { allowBackorder: false } });
    await seedOnHand(t, [['KB-1', 'EAST', 20], ['KB-1', 'WEST', 5], ['KB-2', 'WEST', 1], ['PRE-1', 'EAST', 3]]);
    const schedules = await seedSchedules(t, [
      { sku: 'KB-2', locationId: 'EAST', date: addDays(TODAY, 5), quantity: 10, reference: 'PO-1' },
      { sku: 'PRE-1', locationId: 'WEST', date: addDays(TODAY, 25), quantity: 4, reference: 'PO-2' },
    ]);
    await patchSettings(t, SCENARIO_SETTINGS);
    // Released, backordered, preordered, out-of-stock, shipped and canceled lines.
    const orders = [
      await placeOrder(t, 'ext-1', [['KB-1', 2], ['KB-2', 3]], { customerId: 'c-1', channel: 'web', shipTo: { country: 'US' } }),
      await placeOrder(t, 'ext-2', [['PRE-1', 1], ['NOBO-1', 1]], { priority: 5 }),
      await placeOrder(t, 'ext-3', [['KB-1', 1]]),
      await placeOrder(t, 'ext-4', [['KB-1', 1], ['KB-2', 1]]),
    ];
    const lines = orders.flatMap((o) => o.lines.map((l: any) => l.id as string));
    expectStatus(await t.api('POST', `/api/fulfillment/lines/${orders[2].lines[0].id}/ship`), 200);
    expectStatus(await t.api('POST', `/api/orders/${orders[3].id}/cancel`), 200);
    const run = await t.api('POST', '/api/jobs/backorder/runs?wait=true');
    expectStatus(run, 200);
    expectStatus(await t.api('PUT', '/api/webhooks/wh-1', { url: 'http://127.0.0.1:9/hook', secret: '0123456789abcdef', events: ['*'] }), 201);
    const ping = await t.api('POST', '/api/webhooks/wh-1/ping');
    expectStatus(ping, 200);
    viewer = await t.key('viewer');
    // The one key id the fuzz knows, to revoke: not the admin key its requests use.
    await t.key('operator');
    const victim = await t.service.ctx.database.db.selectFrom('api_keys').select('id').where('role', '=', 'operator').executeTakeFirstOrThrow();

    const doc = await t.api('GET', '/api/openapi.json', undefined, { key: null });
    expectStatus(doc, 200);
    // Deletions last, so the ids they remove are there for the other routes first.
    operations = operationsOf(doc.body).sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    // Known values, by field name and by the collection an {id} names; each list has one that does not exist.
    pools = {
      sku: ['KB-1', 'KB-2', 'PRE-1', 'NOBO-1', 'NO-SUCH'],
      locationId: ['EAST', 'WEST', 'SHUT', 'NOWHERE'],
      locationIds: ['EAST', 'WEST', 'SHUT', 'NOWHERE'],
      locations: ['EAST', 'WEST', 'SHUT', 'NOWHERE'],
      orders: [...orders.map((o) => o.id), 'ord_none'],
      orderId: [...orders.map((o) => o.id), 'ord_none'],
      'order-lines': [...lines, 'lin_none'],
      lineId: [...lines, 'lin_none'],
      ids: [lines.join(','), lines[0], 'lin_none'],
      lineNumber: [1, 2, 3],
      runs: [run.body.id, 'run_none'],
      jobType: ['backorder', 'preorder', 'nightly'],
      webhooks: ['wh-1', 'wh-2'],
      deliveryId: [ping.body.id, 999],
      keys: [victim.id, 'key_none'],
      schedules: [...schedules.map((s: any) => s.id), 99_999],
      externalId: ['ext-1', 'ext-2', 'ext-new'],
      customerId: ['c-1', 'c-2'],
      reference: ['PO-1', 'PO-2'],
      channel: ['web', 'default'],
      country: ['US', 'FR'],
      skuPrefix: ['KB', 'PRE'],
      quantity: [1, 2, 3, 5],
      onHand: [0, 4, 12],
      delta: [-2, -1, 1, 3],
      // Receivers on this machine only, where nothing listens (the request fails at once); some odd but valid.
      url: ['http://127.0.0.1:9/hook', 'http://[::1]:9/h?x=1#y', 'HTTP://user:pw@127.0.0.1:9/', 'http:127.0.0.1:9', 'https://127.0.0.1:99999/', 'http://0.0.0.0:9/', `http://127.0.0.1:9/${'a'.repeat(2_000)}`, 'javascript:alert(1)'],
      secret: ['0123456789abcdef-fuzz', '\u{1F511}'.repeat(16), 's'.repeat(256)],
      events: ['*', 'line.released', 'ping', 'line.bogus'],
      timeZone: ['UTC', 'Europe/Paris', 'Pacific/Kiritimati', 'Etc/GMT+12', 'Asia/Kathmandu', 'utc', 'EST5EDT', 'Mars/Olympus'],
      cron: ['*/15 * * * *', '0 * * * *', '0 0 31 2 *', '*/0 * * * *', '@yearly', '* * * * * *', '60 * * * *', '0 0 L * *', '0 0 * * 7#5', 'every day'],
    };
  });
  afterAll(async () => t?.close());

  const fingerprint = async () => {
    await t.service.jobs.idle();
    const db = t.service.database.db as unknown as Kysely<any>;
    const { rows } = await sql<Record<string, unknown>>`select ${sql.raw(FINGERPRINT)}`.execute(db);
    return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, v === null ? null : String(v)]));
  };
  type Fingerprint = Awaited<ReturnType<typeof fingerprint>>;
  const changes = (before: Fingerprint, after: Fingerprint) =>
    Object.keys(after)
      .filter((k) => after[k] !== before[k])
      .map((k) => `${k} ${before[k]} -> ${after[k]}`);

  let sent = 0;
  /** The fingerprint after the last request, while it is known (nothing runs between two requests). */
  let last: Fingerprint | null = null;

  /** Sends each generated request and checks its answer; answers the failure (seed, counterexample, why) or null. */
  async function search(what: string, arbitrary: fc.Arbitrary<FuzzRequest>, seed: number, numRuns: number): Promise<string | null> {
    try {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (req) => {
          const before = last ?? (await fingerprint());
          last = null;
          const r = await t.api(req.method, req.url, req.body, req.options);
          sent++;
          const found = faultsOf(req, r);
          if (r.status >= 400 && r.status < 500) {
            const after = await fingerprint();
            const changed = changes(before, after);
            if (changed.length) found.push(`a refused request wrote: ${changed.join(', ')}`);
            last = after;
          }
          expect(found, `${req.fault}: ${r.status} ${r.text.slice(0, 400)}\n${found.join('\n')}`).toEqual([]);
        }),
        { seed, numRuns },
      );
      return null;
    } catch (e) {
      last = null;
      const cause = (e as Error).cause instanceof Error ? `\n${((e as Error).cause as Error).message}` : '';
      return `${what}: ${(e as Error).message.slice(0, 2_000)}${cause.slice(0, 1_500)}`;
    }
  }

  /** A route's requests, with a real cursor of its list (to page with and to tamper with) when it has one. */
  async function requestsOf(op: Operation): Promise<fc.Arbitrary<FuzzRequest>> {
    const page = op.method === 'GET' && op.parameters.some((p) => p.name === 'cursor') && !op.path.includes('{') ? await t.api('GET', `${op.path}?limit=1`) : null;
    const cursor = typeof page?.body?.nextCursor === 'string' ? [page.body.nextCursor as string] : [];
    return requestsFor(op, { ...pools, cursor }, { admin: ADMIN_KEY, viewer });
  }

  it('answers generated requests to each route without a 5xx, with a problem for each refusal, and writes nothing when it refuses', async () => {
    expect(operations.length).toBeGreaterThan(40);
    const failures: string[] = [];
    sent = 0;
    for (const [i, op] of operations.entries()) {
      const failure = await search(`${op.method} ${op.path}`, await requestsOf(op), SEED + i, RUNS_PER_OPERATION);
      if (failure) failures.push(failure);
      // Each route starts at the seeded time (a clock request may have moved it to year 9999).
      await t.setClock(T0);
      last = null;
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(operations.length * RUNS_PER_OPERATION);
  }, 120_000);

  it('answers the same for requests to all routes interleaved, in the state earlier requests left', async () => {
    const mixed = fc.oneof(...(await Promise.all(operations.map(requestsOf))));
    sent = 0;
    const failure = await search('interleaved routes', mixed, SEED, MIXED_RUNS);
    expect(failure, failure ?? '').toBeNull();
    expect(sent).toBeGreaterThanOrEqual(MIXED_RUNS);
  }, 120_000);
});
