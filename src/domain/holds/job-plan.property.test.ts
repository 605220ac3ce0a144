import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planJobBatch } from './job-plan.ts';
import type { JobLine, JobType } from './job-plan.ts';
import { SupplyBook } from '../atp/promising.ts';
import type { LineEventType, StatusReason } from '../order/line-status.ts';
import { ModelBook, modelDayNumber, modelPass } from '../atp/atp-model.test-support.ts';
import { arbPassLines, arbWorld, supplyOf } from '../atp/atp-arbitraries.test-support.ts';
import { modelJob, modelPlacement, NOWHERE } from './holds-model.test-support.ts';
import type { ModelJobLine, ModelPlacement } from './holds-model.test-support.ts';

// planJobBatch against the job model of holds-model.test-support.ts, on random held lines, scopes, SLAs and supply.
const DAY = 24 * 60 * 60 * 1000;

const EVENT_OF: Partial<Record<StatusReason, LineEventType>> = {
  AwaitingFulfillment: 'line.released',
  BackorderHold: 'line.backordered',
  BackorderSlaExpired: 'line.canceled',
  OutOfStock: 'line.canceled',
};

const arbJobCase = arbWorld({ withPromises: false }).chain((world) =>
  arbPassLines(world).chain((passLines) =>
    fc.record({
      world: fc.constant(world),
      jobType: fc.constantFrom<JobType>('backorder', 'preorder'),
      backorders: fc.boolean(),
      sla: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
      now: fc.integer({ min: 0, max: DAY - 1 }).map((ms) => world.todayNumber * DAY + ms),
      extras: fc.tuple(
        ...passLines.map((l) =>
          fc.record({
            line: fc.constant(l),
            backorderHold: fc.boolean(),
            allowBackorder: fc.boolean(),
            marked: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
            ageDays: fc.integer({ min: 0, max: 12 }),
            jitter: fc.constantFrom(-1000, -1, 0, 1),
            keepPlacement: fc.boolean(),
            other: fc.option(fc.record({ loc: fc.constantFrom(...world.locations), offset: fc.integer({ min: -2, max: world.horizon + 2 }) }), { nil: null }),
            version: fc.integer({ min: 1, max: 5 }),
          }),
        ),
      ),
    }),
  ),
);

describe('planJobBatch properties (SPEC section 5)', () => {
  it('equals the model job: SLA cancellations, one pass, moves only in scope, records only for changed lines', () => {
    fc.assert(
      fc.property(arbJobCase, (c) => {
        const { world } = c;
        const launched = (l: { launchDate: string | null }) => l.launchDate === null || modelDayNumber(l.launchDate) <= world.todayNumber;
        const fresh = modelPass(c.extras.map((e) => e.line), new ModelBook(world.horizon, supplyOf(world)), world.today);
        const modelLines: ModelJobLine[] = c.extras.map((e) => {
          // a BackorderHold line has launched (or is no preorder at all); a PreorderHold line has a launch date
          const statusReason = e.line.launchDate === null || (launched(e.line) && e.backorderHold) ? 'BackorderHold' : 'PreorderHold';
          const placement: ModelPlacement = e.keepPlacement
            ? modelPlacement(world.today, fresh.get(e.line.id) ?? null)
            : e.other === null
              ? NOWHERE
              : modelPlacement(world.today, { locationId: e.other.loc.id, handlingDays: e.other.loc.handlingDays, day: e.other.offset });
          return {
            ...e.line,
            statusReason,
            placement,
            backorderedAt: statusReason === 'BackorderHold' ? c.now - e.ageDays * DAY + e.jitter : null,
            allowBackorder: e.allowBackorder,
            version: e.version,
            markedInScope: e.marked,
          };
        });
        const jobLines: JobLine[] = modelLines.map((m) => ({
          id: m.id,
          orderId: m.orderId,
          lineNumber: m.lineNumber,
          sku: m.sku,
          quantity: m.quantity,
          priority: m.priority,
          orderedAt: m.orderedAt,
          launchDate: m.launchDate,
          candidates: m.candidates,
          statusReason: m.statusReason,
          ...m.placement,
          backorderedAt: m.backorderedAt,
          allowBackorder: m.allowBackorder,
          version: m.version,
        }));
        const marked = new Set(modelLines.filter((m) => m.markedInScope).map((m) => m.id));
        const ctx = { jobType: c.jobType, today: world.today, now: c.now, backorders: c.backorders, cancellationSlaDays: c.sla };
        const got = planJobBatch(jobLines, {
          ...ctx,
          book: new SupplyBook(world.horizon, supplyOf(world)),
          inScope: (l) => marked.has(l.id),
          eventContext: { runId: 'r' },
        });
        const expected = modelJob(modelLines, ctx, new ModelBook(world.horizon, supplyOf(world)));

        expect(Object.fromEntries(got.outcomes)).toEqual(Object.fromEntries(expected.outcomes));
        const ids = got.changes.map((ch) => ch.before.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.sort()).toEqual([...expected.changes.keys()].sort());
        for (const ch of got.changes) {
          const want = expected.changes.get(ch.before.id)!;
          const input = jobLines.find((l) => l.id === ch.before.id)!;
          expect(ch.before).toBe(input);
          expect(ch.after).toEqual({
            ...input,
            statusReason: want.to,
            ...want.placement,
            backorderedAt: want.backorderedAt,
            version: input.version + 1,
          });
          expect(ch.event.lineId).toBe(input.id);
          expect(ch.event.orderId).toBe(input.orderId);
          expect(ch.event.from).toBe(input.statusReason);
          expect(ch.event.to).toBe(want.to);
          expect(ch.event.at).toBe(c.now);
          expect(ch.event.type).toBe(want.to === input.statusReason ? 'line.promise_changed' : EVENT_OF[want.to as StatusReason]);
          expect(ch.event.data.runId).toBe('r');
        }
      }),
      { numRuns: 500 },
    );
  });
});
