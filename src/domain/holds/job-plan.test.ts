import { describe, expect, it } from 'vitest';
import { planJobBatch, slaExpired } from './job-plan.ts';
import { JOB_KINDS, jobMovesLine } from './job-kind.ts';
import type { JobType } from './job-kind.ts';

const inJobScope = (jobType: JobType, line: { statusReason: StatusReason; launchDate: string | null }, today: string) => jobMovesLine(JOB_KINDS[jobType], line, today);
import type { JobLine, JobPlan, JobPlanContext } from './job-plan.ts';
import { SupplyBook } from '../atp/promising.ts';
import type { SupplyInput } from '../atp/projection.ts';
import type { StatusReason } from '../order/line-status.ts';
import { modelDate } from '../atp/atp-model.test-support.ts';

const DAY = 24 * 60 * 60 * 1000;
const EAST = { locationId: 'EAST', handlingDays: 1 };
const WEST = { locationId: 'WEST', handlingDays: 2 };

function held(over: Partial<JobLine> & Pick<JobLine, 'id' | 'sku' | 'quantity' | 'statusReason'>): JobLine {
  return {
    orderId: `ord_${over.id}`,
    lineNumber: 1,
    locationId: null,
    inventoryAvailabilityDate: null,
    estimatedShipmentDate: null,
    launchDate: null,
    backorderedAt: over.statusReason === 'BackorderHold' ? Date.parse('2028-05-31T12:00:00Z') : null,
    version: 3,
    priority: 0,
    orderedAt: Date.parse('2028-05-31T12:00:00Z'),
    candidates: [EAST, WEST],
    allowBackorder: true,
    ...over,
  };
}

const at = (locationId: string | null, date: string | null, ship: string | null) => ({ locationId, inventoryAvailabilityDate: date, estimatedShipmentDate: ship });

function plan(lines: JobLine[], over: Partial<JobPlanContext> & { supply: Record<string, SupplyInput>; horizon?: number }): JobPlan {
  const { supply, horizon, ...rest } = over;
  return planJobBatch(lines, {
    jobType: 'backorder',
    today: '2028-06-01',
    now: Date.parse('2028-06-01T10:00:00Z'),
    backorders: true,
    cancellationSlaDays: null,
    book: new SupplyBook(horizon ?? 90, (sku, loc) => supply[`${sku}@${loc}`] ?? { available: 0, receipts: [], promises: [] }),
    inScope: () => true,
    eventContext: { runId: 'run-1' },
    ...rest,
  });
}

const changeOf = (p: JobPlan, id: string) => p.changes.find((c) => c.before.id === id);

describe('slaExpired and jobMovesLine (SPEC section 5)', () => {
  const T = Date.parse('2028-06-01T10:00:00Z');
  const line = { statusReason: 'BackorderHold' as StatusReason, backorderedAt: T };

  it('expires exactly at backorderedAt + days x 24 h, not one millisecond earlier', () => {
    expect(slaExpired(line, 9, T + 9 * DAY)).toBe(true);
    expect(slaExpired(line, 9, T + 9 * DAY - 1)).toBe(false);
    expect(slaExpired(line, 9, T + 9 * DAY + 1)).toBe(true);
    expect(slaExpired(line, 1, T + DAY)).toBe(true);
  });

  it('never expires without an SLA, off BackorderHold, or without backorderedAt', () => {
    expect(slaExpired(line, null, T + 10_000 * DAY)).toBe(false);
    expect(slaExpired({ ...line, statusReason: 'PreorderHold' }, 1, T + 10 * DAY)).toBe(false);
    expect(slaExpired({ ...line, statusReason: 'AwaitingFulfillment' }, 1, T + 10 * DAY)).toBe(false);
    expect(slaExpired({ ...line, backorderedAt: null }, 1, T + 10 * DAY)).toBe(false);
  });

  it('backorder scope is BackorderHold; preorder scope is PreorderHold launched today or earlier', () => {
    const today = '2028-06-10';
    expect(inJobScope('backorder', { statusReason: 'BackorderHold', launchDate: null }, today)).toBe(true);
    expect(inJobScope('backorder', { statusReason: 'PreorderHold', launchDate: '2028-06-01' }, today)).toBe(false);
    expect(inJobScope('preorder', { statusReason: 'PreorderHold', launchDate: '2028-06-10' }, today)).toBe(true);
    expect(inJobScope('preorder', { statusReason: 'PreorderHold', launchDate: '2028-05-01' }, today)).toBe(true);
    expect(inJobScope('preorder', { statusReason: 'PreorderHold', launchDate: '2028-06-11' }, today)).toBe(false);
    expect(inJobScope('preorder', { statusReason: 'PreorderHold', launchDate: null }, today)).toBe(false);
    expect(inJobScope('preorder', { statusReason: 'BackorderHold', launchDate: '2028-06-01' }, today)).toBe(false);
    for (const r of ['New', 'AwaitingFulfillment', 'Shipped', 'CanceledByRequest'] as const) {
      expect(inJobScope('backorder', { statusReason: r, launchDate: null }, today)).toBe(false);
      expect(inJobScope('preorder', { statusReason: r, launchDate: '2028-06-01' }, today)).toBe(false);
    }
  });
});

describe('backorder job worked example (contract-check: MS-2 EAST on-hand 1 -> 5)', () => {
  const supply: Record<string, SupplyInput> = {
    'MS-2@EAST': { available: 5, receipts: [{ day: 4, quantity: 5 }], promises: [] },
    'PR-5@EAST': { available: 0, receipts: [{ day: 2, quantity: 2 }, { day: 4, quantity: 2 }], promises: [] },
    'VR-9@EAST': { available: 0, receipts: [{ day: 7, quantity: 4 }], promises: [] },
  };
  const B = held({ id: 'B', sku: 'MS-2', quantity: 3, statusReason: 'BackorderHold', ...at('EAST', '2028-06-05', '2028-06-06') });
  const H = held({ id: 'H', sku: 'OS-3', quantity: 1, statusReason: 'BackorderHold', lineNumber: 2 });
  const P1 = held({ id: 'P1', sku: 'PR-5', quantity: 2, statusReason: 'BackorderHold', priority: 0, orderedAt: Date.parse('2028-06-01T09:05:00Z'), ...at('EAST', '2028-06-03', '2028-06-04') });
  const P2 = held({ id: 'P2', sku: 'PR-5', quantity: 2, statusReason: 'BackorderHold', priority: 9, orderedAt: Date.parse('2028-06-01T09:06:00Z'), ...at('EAST', '2028-06-05', '2028-06-06') });
  const C = held({ id: 'C', sku: 'VR-9', quantity: 2, statusReason: 'PreorderHold', launchDate: '2028-06-10', ...at('EAST', '2028-06-10', '2028-06-11') });
  const result = plan([B, H, P1, P2, C], { supply });

  it('releases B at EAST today (ATP(0) = 5 covers 3)', () => {
    const c = changeOf(result, 'B');
    expect(c?.after).toEqual({ ...B, statusReason: 'AwaitingFulfillment', ...at('EAST', '2028-06-01', '2028-06-02'), version: 4 });
    expect(c?.event).toMatchObject({ lineId: 'B', orderId: 'ord_B', type: 'line.released', from: 'BackorderHold', to: 'AwaitingFulfillment', at: Date.parse('2028-06-01T10:00:00Z') });
    expect(c?.event.data).toMatchObject({ runId: 'run-1', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-01' });
  });

  it('re-dates P2 (priority 9) to 06-03 / 06-04 and P1 (priority 0) to 06-05 / 06-06, without moving them', () => {
    const c2 = changeOf(result, 'P2');
    const c1 = changeOf(result, 'P1');
    expect(c2?.after).toEqual({ ...P2, ...at('EAST', '2028-06-03', '2028-06-04'), version: 4 });
    expect(c1?.after).toEqual({ ...P1, ...at('EAST', '2028-06-05', '2028-06-06'), version: 4 });
    expect(c1?.event).toMatchObject({ type: 'line.promise_changed', from: 'BackorderHold', to: 'BackorderHold' });
    expect(c1?.event.data).toMatchObject({ previous: at('EAST', '2028-06-03', '2028-06-04'), ...at('EAST', '2028-06-05', '2028-06-06'), version: 4 });
  });

  it('counts B moved, H, P1 and P2 still on hold; writes no record for H or the out-of-scope preorder line C', () => {
    expect(Object.fromEntries(result.outcomes)).toEqual({ B: 'movedToFulfillment', H: 'stillOnHold', P1: 'stillOnHold', P2: 'stillOnHold' });
    expect(result.changes.map((c) => c.before.id).sort()).toEqual(['B', 'P1', 'P2']);
  });

  it('a second run over the result writes nothing', () => {
    const after = (l: JobLine) => (changeOf(result, l.id)?.after as JobLine | undefined) ?? l;
    const supply2 = { ...supply, 'MS-2@EAST': { available: 2, receipts: [{ day: 4, quantity: 5 }], promises: [] } };
    const again = plan([H, P1, P2, C].map(after), { supply: supply2 });
    expect(again.changes).toEqual([]);
    expect(Object.fromEntries(again.outcomes)).toEqual({ H: 'stillOnHold', P1: 'stillOnHold', P2: 'stillOnHold' });
  });
});

describe('backorder job: scope', () => {
  it('a launched preorder line promised today is re-dated, not released (it waits for the preorder job)', () => {
    const L = held({ id: 'L', sku: 'S', quantity: 1, statusReason: 'PreorderHold', launchDate: '2028-05-30', ...at('EAST', '2028-06-03', '2028-06-04') });
    const r = plan([L], { supply: { 'S@EAST': { available: 1, receipts: [], promises: [] } } });
    expect(r.outcomes.size).toBe(0);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]?.after).toEqual({ ...L, ...at('EAST', '2028-06-01', '2028-06-02'), version: 4 });
  });

  it('a BackorderHold line not in scope when the run started is re-dated, never moved nor canceled', () => {
    const L = held({ id: 'L', sku: 'S', quantity: 1, statusReason: 'BackorderHold', backorderedAt: 0 });
    const r = plan([L], { supply: { 'S@WEST': { available: 1, receipts: [], promises: [] } }, inScope: () => false, cancellationSlaDays: 1 });
    expect(r.outcomes.size).toBe(0);
    expect(r.changes.map((c) => c.after)).toEqual([{ ...L, ...at('WEST', '2028-06-01', '2028-06-03'), version: 4 }]);
  });
});

describe('SLA worked example (cancellationSlaDays 9)', () => {
  const T = Date.parse('2028-06-01T10:00:00Z');
  const H = held({ id: 'H', sku: 'OS-3', quantity: 1, statusReason: 'BackorderHold', backorderedAt: T });
  const P1 = held({ id: 'P1', sku: 'PR-5', quantity: 2, statusReason: 'BackorderHold', backorderedAt: T + 5 * 60_000 });
  const run = (now: number) => plan([H, P1], { supply: {}, cancellationSlaDays: 9, now, today: modelDate(Math.floor(now / DAY)) });

  it('one second before the deadline nothing is canceled', () => {
    const r = run(T + 9 * DAY - 1000);
    expect(Object.fromEntries(r.outcomes)).toEqual({ H: 'stillOnHold', P1: 'stillOnHold' });
    expect(r.changes).toEqual([]);
  });

  it('one millisecond before the deadline nothing is canceled either', () => {
    expect(run(T + 9 * DAY - 1).outcomes.get('H')).toBe('stillOnHold');
  });

  it('at exactly backorderedAt + 9 x 24 h the line is canceled as BackorderSlaExpired; the later one stays held', () => {
    const r = run(T + 9 * DAY);
    expect(Object.fromEntries(r.outcomes)).toEqual({ H: 'canceled', P1: 'stillOnHold' });
    expect(r.changes).toHaveLength(1);
    const c = r.changes[0]!;
    expect(c.after).toEqual({ ...H, statusReason: 'BackorderSlaExpired', version: 4 });
    expect(c.event).toMatchObject({ type: 'line.canceled', from: 'BackorderHold', to: 'BackorderSlaExpired', at: T + 9 * DAY });
  });

  it('a canceled line takes no supply in the pass', () => {
    const old = held({ id: 'old', sku: 'S', quantity: 2, statusReason: 'BackorderHold', priority: 9, backorderedAt: T - 10 * DAY });
    const young = held({ id: 'young', sku: 'S', quantity: 2, statusReason: 'BackorderHold', priority: 0, backorderedAt: T });
    const supply = { 'S@EAST': { available: 2, receipts: [], promises: [] } };
    const withSla = plan([old, young], { supply, cancellationSlaDays: 9 });
    expect(Object.fromEntries(withSla.outcomes)).toEqual({ old: 'canceled', young: 'movedToFulfillment' });
    const without = plan([old, young], { supply, cancellationSlaDays: null });
    expect(Object.fromEntries(without.outcomes)).toEqual({ old: 'movedToFulfillment', young: 'stillOnHold' });
  });

  it('the preorder job cancels nothing for SLA', () => {
    const r = plan([H], { supply: {}, jobType: 'preorder', cancellationSlaDays: 9, now: T + 100 * DAY, today: '2028-09-09' });
    expect(r.changes).toEqual([]);
    expect(r.outcomes.size).toBe(0);
  });
});

describe('preorder job worked examples (today = launch day 2028-06-10)', () => {
  const today = '2028-06-10';
  const now = Date.parse('2028-06-10T09:00:00Z');
  const pre = (id: string, over: Partial<JobLine> = {}) =>
    held({ id, sku: 'VR-9', quantity: 2, statusReason: 'PreorderHold', launchDate: '2028-06-10', ...at('EAST', '2028-06-10', '2028-06-11'), ...over });

  it("C's launched line fits today (VR-9 on-hand 4 at EAST) -> released at EAST, 06-10 / 06-11", () => {
    const C = pre('C');
    const r = plan([C], { jobType: 'preorder', today, now, supply: { 'VR-9@EAST': { available: 4, receipts: [], promises: [] } } });
    expect(Object.fromEntries(r.outcomes)).toEqual({ C: 'movedToFulfillment' });
    expect(r.changes[0]?.after).toEqual({ ...C, statusReason: 'AwaitingFulfillment', version: 4 });
    expect(r.changes[0]?.event.type).toBe('line.released');
  });

  it('a launched line that does not fit today goes to BackorderHold with its dates and backorderedAt = now', () => {
    const X = pre('X', { ...at(null, null, null) });
    const r = plan([X], { jobType: 'preorder', today, now, supply: { 'VR-9@WEST': { available: 0, receipts: [{ day: 3, quantity: 2 }], promises: [] } } });
    expect(Object.fromEntries(r.outcomes)).toEqual({ X: 'movedToBackorder' });
    expect(r.changes[0]?.after).toEqual({ ...X, statusReason: 'BackorderHold', ...at('WEST', '2028-06-13', '2028-06-15'), backorderedAt: now, version: 4 });
    expect(r.changes[0]?.event.type).toBe('line.backordered');
  });

  it('with backorders off, or a product that disallows them, it goes to OutOfStock with no location or dates', () => {
    const supply = { 'VR-9@EAST': { available: 0, receipts: [{ day: 3, quantity: 9 }], promises: [] } };
    const off = plan([pre('Y')], { jobType: 'preorder', today, now, supply, backorders: false });
    expect(Object.fromEntries(off.outcomes)).toEqual({ Y: 'canceled' });
    expect(off.changes[0]?.after).toEqual({ ...pre('Y'), statusReason: 'OutOfStock', ...at(null, null, null), version: 4 });
    expect(off.changes[0]?.event.type).toBe('line.canceled');
    const disallowed = plan([pre('Z', { allowBackorder: false })], { jobType: 'preorder', today, now, supply, backorders: true });
    expect(Object.fromEntries(disallowed.outcomes)).toEqual({ Z: 'canceled' });
    expect(disallowed.changes[0]?.after.statusReason).toBe('OutOfStock');
  });

  it('one pass: a line later sent to OutOfStock was still counted in it, and the dates written are that pass\'s', () => {
    // 0 now at EAST, +2 on day 3. X (launched, priority 9) is promised day 3, then goes to OutOfStock (backorders
    // off); W (launch 06-12, priority 0) comes after X in the pass and finds nothing left: re-dated to none.
    const supply = { 'VR-9@EAST': { available: 0, receipts: [{ day: 3, quantity: 2 }], promises: [] } };
    const X = pre('X', { priority: 9, candidates: [EAST] });
    const W = pre('W', { priority: 0, launchDate: '2028-06-12', candidates: [EAST], ...at('EAST', '2028-06-13', '2028-06-14') });
    const r = plan([W, X], { jobType: 'preorder', today, now, supply, backorders: false });
    expect(Object.fromEntries(r.outcomes)).toEqual({ X: 'canceled' });
    expect(changeOf(r, 'W')?.after).toEqual({ ...W, ...at(null, null, null), version: 4 });
    expect(changeOf(r, 'W')?.event.type).toBe('line.promise_changed');
  });

  it('lines not launched yet and BackorderHold lines are out of scope: re-dated when their dates change, never moved', () => {
    const supply = { 'VR-9@EAST': { available: 10, receipts: [], promises: [] } };
    const notYet = pre('N', { launchDate: '2028-06-12', ...at('EAST', '2028-06-12', '2028-06-13') });
    const waiting = pre('Q', { launchDate: '2028-06-15', ...at('EAST', '2028-06-20', '2028-06-21') });
    const backordered = held({ id: 'BO', sku: 'VR-9', quantity: 1, statusReason: 'BackorderHold', ...at('EAST', '2028-06-11', '2028-06-12') });
    const r = plan([notYet, waiting, backordered], { jobType: 'preorder', today, now, supply });
    expect(r.outcomes.size).toBe(0);
    expect(r.changes.map((c) => [c.before.id, c.after.statusReason, c.after.inventoryAvailabilityDate])).toEqual([
      ['Q', 'PreorderHold', '2028-06-15'],
      ['BO', 'BackorderHold', '2028-06-10'],
    ]);
  });
});
