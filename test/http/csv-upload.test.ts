/**
 * Schedule uploads, CSV and JSON (issues 10.5 and 11.5, SPEC section 7):
 *  - CSV lines are counted by csv-parse, so they stay right after blank lines and quoted fields over several
 *    lines; schema errors and unknown skus or locations come in one answer;
 *  - a header without `reference` is fine (the entries have none);
 *  - the error list keeps the first 100 errors and counts the rest; uploads over 16 MiB are a 413, rows over
 *    64 KiB and files over 100,000 rows a 400, unreadable CSV a 400 naming its line;
 *  - `?mode=replace` replaces the entries of every (sku, location, reference) the upload names, and
 *    `DELETE /api/inventory/schedules?sku=&locationId=&reference=` removes what matches all filters given;
 *  - `/health` answers while a 10 MB CSV upload is being parsed: probes are answered between the service's first read
 *    of the spooled file and its answer (the latency is printed; bars live in bench/).
 */
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { SCENARIO_SETTINGS, T0, expectProblem, expectStatus, patchSettings, seedLocations, seedProducts, tableCount, walk } from '../fixtures/seed.ts';

const HEADER = 'sku,locationId,date,quantity,reference';
const csv = (t: TestService, text: string, query = '') =>
  t.api('POST', `/api/inventory/schedules${query}`, undefined, { raw: text, contentType: 'text/csv' });

describe.each(DATABASE_KINDS)('schedule uploads on %s', (kind) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await patchSettings(t, SCENARIO_SETTINGS);
    await seedLocations(t, { EAST: { priority: 1 }, WEST: { priority: 2 } });
    await seedProducts(t, { 'CU-1': {}, 'CU-2': {}, 'CU-3': {}, 'CU-4': {} });
  });
  afterAll(async () => {
    await t?.close();
  });

  const entries = async (query: string) => (await walk(t, `/api/inventory/schedules?${query}`, 500)).items;
  const messages = (r: { body: { errors: { path: string; message: string }[] } }) => r.body.errors.map((e) => `${e.path} ${e.message}`);

  it('names the right CSV line after blank lines and a quoted field over two lines, with schema and reference errors together', async () => {
    const text = [
      HEADER, // 1
      '', // 2
      'CU-1,EAST,2028-06-03,2,"a reference', // 3
      'over two lines"', // 4
      'CU-1,EAST,2028-02-30,2,bad', // 5
      '', // 6
      '   ', // 7
      'NOPE-9,MOON,2028-06-03,x,bad', // 8
      '',
    ].join('\n');
    const r = await csv(t, text);
    expectProblem(r, 400, '/1/date');
    expect(messages(r)).toEqual([
      '/1/date must be a calendar date YYYY-MM-DD (CSV line 5)',
      '/2/quantity must be an integer (CSV line 8)',
      '/2/sku unknown sku "NOPE-9" (CSV line 8)',
      '/2/locationId unknown location "MOON" (CSV line 8)',
    ]);
    expect(r.body.detail).toMatch(/^the CSV has 4 errors in 2 of its 3 data rows \(CSV lines 5 and 8\), and nothing was written: /);
    expect(await tableCount(t, 'schedule_entries')).toBe(0);
  });

  it('takes a header without reference: the entries have none', async () => {
    const r = await csv(t, 'sku,locationId,date,quantity\nCU-2,EAST,2028-06-05,3\n');
    expectStatus(r, 201);
    expect(r.body.items).toEqual([{ id: expect.anything(), sku: 'CU-2', locationId: 'EAST', date: '2028-06-05', quantity: 3, reference: null }]);
    const header = await csv(t, 'sku,locationId,when,quantity\nCU-2,EAST,2028-06-05,3\n');
    expectProblem(header, 400);
    expect(messages(header)).toEqual([
      ' the header lacks the column "date" (CSV line 1)',
      ' the header has an unknown column "when" (CSV line 1)',
      ' the header must be sku,locationId,date,quantity,reference (reference may be left out) (CSV line 1)',
    ]);
  });

  it('lists the first 100 errors and counts the rest, for CSV and for JSON', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => `CU-1,EAST,2028-06-${String(1 + (i % 28)).padStart(2, '0')},0,R${i}`);
    const r = await csv(t, `${HEADER}\n${rows.join('\n')}\n`);
    expectProblem(r, 400, '/0/quantity');
    expect(r.body.errors).toHaveLength(100);
    expect(r.body.errors[99]).toEqual({ path: '/99/quantity', message: 'must not be 0 (CSV line 101)' });
    expect(r.body.detail).toMatch(/^the CSV has 250 errors in 250 of its 250 data rows \(CSV lines 2-251\); the first 100 are listed, and nothing was written: /);

    const json = await t.api('POST', '/api/inventory/schedules', Array.from({ length: 150 }, () => ({ sku: 'NOPE', locationId: 'EAST', date: '2028-06-03', quantity: 1 })));
    expectProblem(json, 400, '/0/sku');
    expect(json.body.errors).toHaveLength(100);
    expect(json.body.detail).toMatch(/^the body has 150 errors in 150 of its 150 rows; the first 100 are listed, and nothing was written: /);
    expect(json.text.length).toBeLessThan(20_000);

    // Rows with errors, not errors, are counted against the rows.
    const few = await t.api('POST', '/api/inventory/schedules', [
      { sku: 'CU-1', locationId: 'EAST', date: '2028-06-03', quantity: 1 },
      { sku: 'NOPE', locationId: 'MOON', date: '2028-06-03', quantity: 1 },
      { sku: 'CU-1', locationId: 'EAST', date: '2028-06-04', quantity: 2 },
    ]);
    expectProblem(few, 400, '/1/sku');
    expect(few.body.detail).toMatch(/^the body has 2 errors in 1 of its 3 rows, and nothing was written: /);
  });

  it('refuses an upload over 16 MiB (413), a row over 64 KiB and unreadable CSV (400 with the line), all as problems', async () => {
    const big = `${HEADER}\n${'CU-1,EAST,2028-06-03,1,x\n'.repeat(Math.ceil((17 * 1024 * 1024) / 25))}`;
    const tooBig = await csv(t, big);
    expectProblem(tooBig, 413);
    expect(tooBig.body.detail).toBe('the CSV is larger than 16 MiB; send it in parts, or import the whole file with npx holdfast import schedules, which takes any size');

    const oneField = await csv(t, `${HEADER}\nCU-1,EAST,2028-06-03,1,${'y'.repeat(200_000)}\n`);
    expectProblem(oneField, 400);
    expect(messages(oneField)).toEqual(['/0 a row is longer than 64 KiB (CSV line 2)']);

    const unclosed = await csv(t, `${HEADER}\nCU-1,EAST,2028-06-03,1,ok\nCU-1,EAST,2028-06-04,1,"never closed\n`);
    expectProblem(unclosed, 400);
    expect(messages(unclosed)).toEqual(['/1 a quoted field is not closed (CSV line 3)']);

    // A quote inside an unquoted field: every code the parser refuses with is the file's fault, said with its line.
    for (const cell of ['PO "7" big', 'KB"100']) {
      const quoteInside = await csv(t, `${HEADER}\nCU-1,EAST,2028-06-03,1,ok\nCU-1,EAST,2028-06-04,1,${cell}\n`);
      expectProblem(quoteInside, 400);
      expect(messages(quoteInside)).toEqual(['/1 a field has a quote inside it: quote the whole field and double the quotes in it ("PO ""7"" big") (CSV line 3)']);
    }

    // Bytes that are not UTF-8 (a file saved as Latin-1): refused, not stored as replacement characters.
    const latin1 = await t.api('POST', '/api/inventory/schedules', undefined, { raw: Buffer.from(`${HEADER}\nCU-1,EAST,2028-06-03,1,caf\xe9\n`, 'latin1'), contentType: 'text/csv' });
    expectProblem(latin1, 400);
    expect(latin1.body.errors).toEqual([{ path: '', message: 'the CSV is not UTF-8 text (it has a byte of another encoding, such as Latin-1); save it as UTF-8' }]);

    expectProblem(await csv(t, ''), 400);
    expectProblem(await csv(t, `${HEADER}\n`), 400);
    expect(await tableCount(t, 'schedule_entries')).toBe(1);
  });

  it('refuses a CSV of more than 100,000 rows', async () => {
    const rows = 'CU-1,EAST,2028-06-03,1,PO\n'.repeat(100_001);
    const r = await csv(t, `${HEADER}\n${rows}`);
    expectProblem(r, 400);
    expect(messages(r)).toEqual([' the CSV has more than 100000 rows; send it in parts, or import the whole file with npx holdfast import schedules, which takes any size (CSV line 100002)']);
  });

  it('replaces the entries of every (sku, location, reference) an upload names with ?mode=replace, JSON or CSV', async () => {
    const po = [
      { sku: 'CU-3', locationId: 'EAST', date: '2028-06-10', quantity: 5, reference: 'PO-7' },
      { sku: 'CU-3', locationId: 'WEST', date: '2028-06-12', quantity: 2, reference: 'PO-7' },
    ];
    expectStatus(await t.api('POST', '/api/inventory/schedules', po), 201);
    expectStatus(await t.api('POST', '/api/inventory/schedules', [{ sku: 'CU-3', locationId: 'EAST', date: '2028-06-11', quantity: 9, reference: 'PO-8' }]), 201);
    // Re-sent without replace it adds; with replace it updates.
    expectStatus(await t.api('POST', '/api/inventory/schedules?mode=replace', [{ ...po[0]!, quantity: 6, date: '2028-06-09' }]), 201);
    expect((await entries('sku=CU-3')).map((e: any) => [e.locationId, e.reference, e.date, e.quantity])).toEqual([
      ['EAST', 'PO-7', '2028-06-09', 6],
      ['EAST', 'PO-8', '2028-06-11', 9],
      ['WEST', 'PO-7', '2028-06-12', 2],
    ]);
    const again = await csv(t, `${HEADER}\nCU-3,WEST,2028-06-20,4,PO-7\nCU-3,WEST,2028-06-21,1,PO-7\n`, '?mode=replace');
    expectStatus(again, 201);
    expect(again.body.items).toHaveLength(2);
    expect((await entries('sku=CU-3&locationId=WEST')).map((e: any) => [e.date, e.quantity])).toEqual([
      ['2028-06-20', 4],
      ['2028-06-21', 1],
    ]);
    expect((await entries('reference=PO-7')).map((e: any) => e.quantity)).toEqual([6, 4, 1]);
    expectProblem(await t.api('POST', '/api/inventory/schedules?mode=overwrite', po), 400, '/mode');
  });

  it('deletes every entry matching all the filters given with DELETE /api/inventory/schedules, and needs one filter', async () => {
    expectStatus(
      await t.api('POST', '/api/inventory/schedules', [
        { sku: 'CU-4', locationId: 'EAST', date: '2028-06-10', quantity: 5, reference: 'PO-D' },
        { sku: 'CU-4', locationId: 'WEST', date: '2028-06-10', quantity: 5, reference: 'PO-D' },
        { sku: 'CU-4', locationId: 'WEST', date: '2028-06-11', quantity: 5, reference: 'PO-E' },
      ]),
      201,
    );
    const one = await t.api('DELETE', '/api/inventory/schedules?sku=CU-4&locationId=WEST&reference=PO-D');
    expectStatus(one, 200);
    expect(one.body).toEqual({ count: 1 });
    expect((await t.api('DELETE', '/api/inventory/schedules?sku=CU-4')).body).toEqual({ count: 2 });
    expect((await t.api('DELETE', '/api/inventory/schedules?sku=CU-4')).body).toEqual({ count: 0 });
    const none = await t.api('DELETE', '/api/inventory/schedules');
    expectProblem(none, 400);
    expect(none.body.detail).toContain('sku, locationId and reference');
    expectProblem(await t.api('DELETE', '/api/inventory/schedules?sku=CU-4', undefined, { key: await t.key('viewer') }), 403);
  });

  it('answers /health while a 10 MB CSV upload is being parsed', async () => {
    await t.service.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.service.app.server.address() as net.AddressInfo).port;
    // 10 MB of good rows and one bad one at the end: the whole file is read and checked, nothing is written.
    const row = (i: number) => `CU-${1 + (i % 4)},${i % 2 ? 'WEST' : 'EAST'},2028-07-${String(1 + (i % 28)).padStart(2, '0')},${1 + (i % 9)},${'PO-'.padEnd(100, 'x')}${i}\n`;
    const parts: string[] = [`${HEADER}\n`];
    let size = parts[0]!.length;
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      const r = row(i);
      parts.push(r);
      size += r.length;
    }
    parts.push('CU-1,EAST,2028-02-30,1,last\n');
    const body = parts.join('');
    const rows = parts.length - 1;
    expect(rows).toBeLessThan(100_000);

    // When the service starts reading the spooled upload (src/http/csv-upload.ts): from then until its answer, it
    // is parsing. The service runs in this process, so its reads and the probes' answers share one clock.
    const parseStarts: number[] = [];
    const createReadStream = fs.createReadStream;
    const spy = vi.spyOn(fs, 'createReadStream').mockImplementation(((file: fs.PathLike, options?: BufferEncoding) => {
      if (String(file).includes('holdfast-upload-')) parseStarts.push(performance.now());
      return createReadStream(file, options);
    }) as typeof fs.createReadStream);
    const latencies: number[] = [];
    const answeredAt: number[] = [];
    const { monitorEventLoopDelay } = await import('node:perf_hooks');
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    let uploading = true;
    const probes = (async () => {
      while (uploading) {
        const started = performance.now();
        const r = await fetch(`http://127.0.0.1:${port}/health`);
        expect(r.status).toBe(200);
        await r.text();
        answeredAt.push(performance.now());
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const started = performance.now();
    let took: number;
    let upload: Response;
    try {
      upload = await fetch(`http://127.0.0.1:${port}/api/inventory/schedules`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'text/csv' },
        body,
      });
      took = performance.now() - started;
    } finally {
      uploading = false;
      spy.mockRestore();
    }
    const answered = performance.now();
    await probes;
    loop.disable();
    // Probes were answered while the service parsed the file: it never held the event loop for the whole parse.
    expect(parseStarts.length, 'the service read the spooled upload').toBeGreaterThan(0);
    const duringParse = answeredAt.filter((at) => at > parseStarts[0]! && at < answered).length;
    expect(duringParse, `/health answers while the CSV was parsed (of ${answeredAt.length})`).toBeGreaterThanOrEqual(3);
    console.log(`event loop delay max ${(loop.max / 1e6).toFixed(1)} ms p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`);
    expect(upload.status).toBe(400);
    const problem = (await upload.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors).toEqual([{ path: `/${rows - 1}/date`, message: `must be a calendar date YYYY-MM-DD (CSV line ${rows + 1})` }]);
    const sorted = [...latencies].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);
    console.log(
      `[${kind}] ${(body.length / 1048576).toFixed(1)} MiB CSV (${rows} rows) answered in ${took.toFixed(0)} ms; /health during it: ${latencies.length} probes, p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
  });
});
