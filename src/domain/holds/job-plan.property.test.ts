import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planJobBatch } from './job-plan.ts';
import type { JobLine } from './job-plan.ts';
import { SupplyBook } from '../atp/promising.ts';
import type { LineEventType, StatusReason } from '../order/line-status.ts';
import { ModelBook } from '../atp/atp-model.test-support.ts';
import { supplyOf } from '../atp/atp-arbitraries.test-support.ts';
import { arbJobCase, modelJob, modelJobLines } from './holds-model.test-support.ts';

// planJobBatch against the job model of holds-model.test-support.ts, on random held lines, scopes, SLAs and supply.

const EVENT_OF: Partial<Record<StatusReason, LineEventType>> = {
  AwaitingFulfillment: 'line.released',
  BackorderHold: 'line.backordered',
  BackorderSlaExpired: 'line.canceled',
  OutOfStock: 'line.canceled',
};

describe('planJobBatch properties (SPEC section 5)', () => {
  it('equals the model job: SLA cancellations, one pass, moves only in scope, records only for changed lines', () => {
    fc.assert(
      fc.property(arbJobCase, (c) => {
        const { world } = c;
        const modelLines = modelJobLines(c);
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
