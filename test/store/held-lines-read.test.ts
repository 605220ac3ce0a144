/**
 * A run reads a batch's held lines in one statement (`heldLines`): on PostgreSQL as one text split in the client
 * (src/store/dialect/line-row.ts, `LINE_TEXT`), on SQLite as rows. Whatever the form, every field must arrive as
 * stored: nulls as nulls, numbers as numbers, and free text (channel, ship-to) exactly, even when it holds the
 * separators of the text form, quotes, backslashes or characters outside ASCII.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, addDays, setupWorld } from '../jobs/job-helpers.ts';
import { linesFromText } from '../../src/store/dialect/line-row.ts';
import { toLine } from '../../src/store/repositories/orders.repository.ts';
import type { StoredLine } from '../../src/store/repositories/orders.repository.ts';

/** Free text a client may send (anything but NUL): the text form's separators, JSON's escapes, and more. */
const AWKWARD = ['web\x1eshop\x1fnow', 'say "hi" \\ \\u0041', 'Ærøskøbing 🐟', '\x1e', '\t\n\r\x01\x7f', '""'];

describe.each(DATABASE_KINDS)("a batch's held lines as stored, on %s", (kind) => {
  let t: TestService;
  const orderIds: string[] = [];
  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await setupWorld(t, {
      products: { 'HR-1': { allowBackorder: true }, 'HR-2': { preorderEligible: true, launchDate: addDays(T0.slice(0, 10), 20) } },
      settings: { backorders: true },
    });
    for (const [i, text] of AWKWARD.entries()) {
      const body = {
        externalId: `HR-${i}`,
        channel: text,
        priority: i % 10,
        shipTo: i % 2 === 0 ? { country: text, region: `${text}-r` } : { country: null },
        lines: [{ sku: 'HR-1', quantity: i + 1 }, { sku: 'HR-2', quantity: 2 }],
      };
      const r = await t.api('POST', '/api/orders', body);
      expect(r.status, r.text).toBe(201);
      orderIds.push(r.body.id);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reads every field of every held line, free text included, as the table holds it', async () => {
    const db = t.service.database.db;
    const stored = await db.selectFrom('order_lines').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute();
    expect(stored).toHaveLength(AWKWARD.length * 2);
    expect(new Set(stored.map((l) => l.status_reason))).toEqual(new Set(['BackorderHold', 'PreorderHold']));
    const read = await db.transaction().execute((trx) => t.service.database.store.heldLines(trx, ['HR-1', 'HR-2']));
    const fields = (l: StoredLine) => {
      const { rowRef: _rowRef, ...rest } = l;
      return rest;
    };
    // Against the ordinary row path of the repositories (`toLine`).
    expect(read.map(fields).sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(stored.map(toLine));
    // The free text came back exactly, not merely equal to a column read the same way.
    expect(new Set(read.map((l) => l.channel))).toEqual(new Set(AWKWARD));
    if (kind === 'postgres') expect(read.every((l) => typeof l.rowRef === 'string' && /^\(\d+,\d+\)$/.test(l.rowRef))).toBe(true);
  });
});

describe('the text form of held lines (PostgreSQL), split', () => {
  it('reads nulls, numbers and JSON strings by position, and no lines from an empty text', () => {
    const line = ['L1', 'O1', '2', 'S-1', '5', '', 'BackorderHold', '2028-06-10', '', '', '1811912400000', '3', '0', '1811912400000', '"a\\u001eb"', '""', '', '17', '(0,4)'];
    const [l] = linesFromText(line.join('\x1f'));
    expect(l).toEqual({
      id: 'L1',
      orderId: 'O1',
      lineNumber: 2,
      sku: 'S-1',
      quantity: 5,
      locationId: null,
      statusReason: 'BackorderHold',
      inventoryAvailabilityDate: '2028-06-10',
      estimatedShipmentDate: null,
      launchDate: null,
      backorderedAt: 1811912400000,
      version: 3,
      priority: 0,
      orderedAt: 1811912400000,
      channel: 'a\x1eb',
      shipCountry: '',
      shipRegion: null,
      statusSeq: 17,
      rowRef: '(0,4)',
    });
    expect(linesFromText([line.join('\x1f'), line.join('\x1f')].join('\x1e'))).toHaveLength(2);
    expect(linesFromText('')).toEqual([]);
  });
});
