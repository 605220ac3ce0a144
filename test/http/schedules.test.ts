/**
 * The on-hand change schedule (SPEC sections 1 and 7): JSON and CSV uploads (all or nothing, each bad row
 * named, a zero quantity reported as "must not be 0", a CSV row with its file line), listing by sku, deleting,
 * and entries outside the window accepted and listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { SCENARIO_SETTINGS, T0, expectProblem, expectStatus, patchSettings, seedLocations, seedProducts, tableCount, walk } from '../fixtures/seed.ts';

describe.each(DATABASE_KINDS)('schedules on %s', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1 }, WEST: { priority: 2 } });
    await seedProducts(t, { 'SC-1': {}, 'SC-2': {}, 'SC-3': {}, 'SC-4': {}, 'DEL-1': {} });
    await patchSettings(t, SCENARIO_SETTINGS);
  });
  afterAll(async () => t?.close());

  const entriesOf = async (sku: string) => (await walk(t, `/api/inventory/schedules?sku=${sku}`, 500)).items;

  it('stores a JSON upload and answers 201 with the entries and their ids', async () => {
    const upload = [
      { sku: 'SC-1', locationId: 'EAST', date: '2028-06-04', quantity: 5, reference: 'PO-1' },
      { sku: 'SC-1', locationId: 'EAST', date: '2028-06-06', quantity: -4, reference: 'TR-1' },
      { sku: 'SC-1', locationId: 'WEST', date: '2028-12-31', quantity: 50 }, // after the horizon: accepted, listed
      { sku: 'SC-1', locationId: 'WEST', date: '2028-05-01', quantity: 7, reference: 'past' }, // before today: the same
    ];
    const r = await t.api('POST', '/api/inventory/schedules', upload);
    expectStatus(r, 201);
    expect(r.body.items).toHaveLength(4);
    r.body.items.forEach((item: any, i: number) => {
      expect(item).toMatchObject({ sku: 'SC-1', locationId: upload[i]!.locationId, date: upload[i]!.date, quantity: upload[i]!.quantity });
      expect(item.reference ?? null).toBe(upload[i]!.reference ?? null);
      expect(item.id === undefined || item.id === null).toBe(false);
    });
    expect(new Set(r.body.items.map((x: any) => x.id)).size).toBe(4);
    const listed = await entriesOf('SC-1');
    expect(listed.map((x: any) => x.id).sort()).toEqual(r.body.items.map((x: any) => x.id).sort());
  });

  it('stores a text/csv upload (quoted fields, CRLF) with numeric quantities', async () => {
    const csv = 'sku,locationId,date,quantity,reference\r\nSC-2,EAST,2028-06-03,6,PO-CSV-1\r\nSC-2,WEST,2028-06-07,-2,"PO, quoted"\r\n';
    const r = await t.api('POST', '/api/inventory/schedules', undefined, { raw: csv, contentType: 'text/csv' });
    expectStatus(r, 201);
    expect(r.body.items).toEqual([
      { id: expect.anything(), sku: 'SC-2', locationId: 'EAST', date: '2028-06-03', quantity: 6, reference: 'PO-CSV-1' },
      { id: expect.anything(), sku: 'SC-2', locationId: 'WEST', date: '2028-06-07', quantity: -2, reference: 'PO, quoted' },
    ]);
    expect(await entriesOf('SC-2')).toHaveLength(2);
  });

  it('stores a blank JSON reference as none, as a CSV stores an empty cell, so a replace reaches both', async () => {
    expectStatus(await t.api('POST', '/api/inventory/schedules', [{ sku: 'SC-4', locationId: 'EAST', date: '2028-06-03', quantity: 5, reference: '' }]), 201);
    expectStatus(await t.api('POST', '/api/inventory/schedules', [{ sku: 'SC-4', locationId: 'EAST', date: '2028-06-04', quantity: 4, reference: '  ' }]), 201);
    expect((await entriesOf('SC-4')).map((e: { reference: string | null }) => e.reference)).toEqual([null, null]);
    const csv = 'sku,locationId,date,quantity,reference\nSC-4,EAST,2028-06-05,7,\n';
    expectStatus(await t.api('POST', '/api/inventory/schedules?mode=replace', undefined, { raw: csv, contentType: 'text/csv' }), 201);
    expect((await entriesOf('SC-4')).map((e: { quantity: number; reference: string | null }) => [e.quantity, e.reference])).toEqual([[7, null]]);
  });

  it('fails the whole upload on one bad row, naming each bad row, and stores nothing', async () => {
    const before = await tableCount(t, 'schedule_entries');
    const good = { sku: 'SC-3', locationId: 'EAST', date: '2028-06-03', quantity: 1 };

    const csv = 'sku,locationId,date,quantity,reference\nSC-3,EAST,2028-06-03,2,ok\nSC-3,EAST,2028-02-30,2,bad\n';
    expectProblem(await t.api('POST', '/api/inventory/schedules', undefined, { raw: csv, contentType: 'text/csv' }), 400, '/1/date');

    const csvQuantity = 'sku,locationId,date,quantity,reference\nSC-3,EAST,2028-06-03,five,bad\n';
    expectProblem(await t.api('POST', '/api/inventory/schedules', undefined, { raw: csvQuantity, contentType: 'text/csv' }), 400, '/0/quantity');

    const formats = await t.api('POST', '/api/inventory/schedules', [good, { ...good, date: '06/03/2028' }, { ...good, date: '2028-02-30' }, { ...good, quantity: 1.5 }]);
    for (const p of ['/1/date', '/2/date', '/3/quantity']) expectProblem(formats, 400, p);

    const references = await t.api('POST', '/api/inventory/schedules', [good, { ...good, sku: 'NOPE-1' }, { ...good, locationId: 'MOON' }]);
    for (const p of ['/1/sku', '/2/locationId']) expectProblem(references, 400, p);

    expectProblem(await t.api('POST', '/api/inventory/schedules', [good, { ...good, quantity: 0 }]), 400, '/1/quantity');
    expectProblem(await t.api('POST', '/api/inventory/schedules', [{ ...good, colour: 'red' }]), 400, '/0/colour');

    // Rows bad in different ways are all named in the one answer.
    const mixed = await t.api('POST', '/api/inventory/schedules', [good, { ...good, quantity: 0 }, { ...good, date: '2028-13-01' }]);
    for (const p of ['/1/quantity', '/2/date']) expectProblem(mixed, 400, p);

    expect(await tableCount(t, 'schedule_entries')).toBe(before);
    expect(await entriesOf('SC-3')).toEqual([]);
  });

  // Schema errors and unknown references are reported together, so one answer names every bad row.
  it('names an unknown sku in one row and a malformed date in another in the same answer', async () => {
    const good = { sku: 'SC-3', locationId: 'EAST', date: '2028-06-03', quantity: 1 };
    const r = await t.api('POST', '/api/inventory/schedules', [good, { ...good, sku: 'NOPE-1' }, { ...good, date: '2028-02-30' }]);
    for (const p of ['/1/sku', '/2/date']) expectProblem(r, 400, p);
  });

  it('lists by sku and deletes an entry; an unknown id is a 404', async () => {
    const [entry, other] = (
      await t.api('POST', '/api/inventory/schedules', [
        { sku: 'DEL-1', locationId: 'EAST', date: '2028-06-03', quantity: 5, reference: 'to delete' },
        { sku: 'DEL-1', locationId: 'EAST', date: '2028-06-09', quantity: 1, reference: 'stays' },
      ])
    ).body.items;
    const listed = await entriesOf('DEL-1');
    expect(listed.every((e: any) => e.sku === 'DEL-1')).toBe(true);
    expect(listed).toHaveLength(2);
    // Counted while it exists: 5 at EAST from 06-03 (schedule on, H = 90).
    expect((await t.api('GET', '/api/atp?sku=DEL-1&locationId=EAST&quantity=5')).body.earliestDate).toBe('2028-06-03');

    const del = await t.api('DELETE', `/api/inventory/schedules/${entry.id}`);
    expectStatus(del, [200, 204]);
    expect((await entriesOf('DEL-1')).map((e: any) => e.id)).toEqual([other.id]);
    expect((await t.api('GET', '/api/atp?sku=DEL-1&locationId=EAST&quantity=5')).body.earliestDate).toBeNull();

    expectProblem(await t.api('DELETE', `/api/inventory/schedules/${entry.id}`), 404);
    expectProblem(await t.api('DELETE', '/api/inventory/schedules/987654321'), 404);
    expectProblem(await t.api('DELETE', '/api/inventory/schedules/not-an-id'), '4xx');
    expect(await entriesOf('DEL-1')).toHaveLength(1);
  });
  it('reports a zero quantity as "must not be 0", and a bad CSV row with its line in the file', async () => {
    const before = await tableCount(t, 'schedule_entries');
    const good = { sku: 'SC-3', locationId: 'EAST', date: '2028-06-03', quantity: 1 };
    const message = (r: any, path: string) => r.body.errors.find((e: any) => e.path === path)?.message as string | undefined;

    const json = await t.api('POST', '/api/inventory/schedules', [good, { ...good, quantity: 0 }, { ...good, date: '2028-02-30' }]);
    expectProblem(json, 400, '/1/quantity');
    expect(message(json, '/1/quantity')).toMatch(/must not be 0/);
    expect(message(json, '/2/date')).toBe('must be a calendar date YYYY-MM-DD');

    const csv = 'sku,locationId,date,quantity,reference\nSC-3,EAST,2028-06-03,2,ok\nSC-3,EAST,2028-06-04,0,zero\n';
    const fromCsv = await t.api('POST', '/api/inventory/schedules', undefined, { raw: csv, contentType: 'text/csv' });
    expectProblem(fromCsv, 400, '/1/quantity');
    expect(message(fromCsv, '/1/quantity')).toMatch(/must not be 0/);
    expect(message(fromCsv, '/1/quantity')).toContain('CSV line 3');
    expect(await tableCount(t, 'schedule_entries')).toBe(before);
  });
});
