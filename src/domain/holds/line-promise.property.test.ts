import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { heldLinePromise } from './line-promise.ts';
import { coveringReceipt, explainHeldLine, humanDate } from './promise-explanation.ts';
import { jobOwning } from './job-kind.ts';
import type { JobLine } from './job-plan.ts';
import { SupplyBook } from '../atp/promising.ts';
import { addDays } from '../calendar/business-date.ts';
import { ModelBook, modelAtp, modelDayNumber, modelEarliest, modelP, modelPass, modelPriorityOrder } from '../atp/atp-model.test-support.ts';
import { candidatesOf, supplyOf } from '../atp/atp-arbitraries.test-support.ts';
import { arbJobCase, modelJob, modelJobLines, modelPlacement } from './holds-model.test-support.ts';
import type { ModelJobLine } from './holds-model.test-support.ts';

// heldLinePromise against the brute-force models: for every held line of a random world, `next` is the model job's
// result for the line's job, the tables are the model's ATP with only the (non-expired) lines ahead promised, and
// each earliest date is the first day of its own table that covers the line.

const toJobLine = (m: ModelJobLine): JobLine => ({
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
});

describe('heldLinePromise properties (SPEC section 11)', () => {
  it('equals the models: next run, the pass stopped at the line, and earliest dates from its own tables', () => {
    fc.assert(
      fc.property(arbJobCase, (c) => {
        const { world } = c;
        const modelLines = modelJobLines(c);
        const jobLines = modelLines.map(toJobLine);
        const marked = new Set(modelLines.filter((m) => m.markedInScope).map((m) => m.id));
        const settings = { today: world.today, now: c.now, backorders: c.backorders, cancellationSlaDays: c.sla };

        for (const sku of world.skus) {
          const lines = jobLines.filter((l) => l.sku === sku);
          const models = modelLines.filter((l) => l.sku === sku);
          for (const target of lines) {
            const model = models.find((m) => m.id === target.id)!;
            const jobType = jobOwning(target.statusReason as 'BackorderHold' | 'PreorderHold');
            const p = heldLinePromise(lines, target, {
              ...settings,
              inScope: (l) => marked.has(l.id),
              eventContext: {},
              newBook: () => new SupplyBook(world.horizon, supplyOf(world)),
              elsewhere: candidatesOf(world.locations),
            });

            // next: the model job of the line's job type.
            const job = modelJob(models, { ...settings, jobType }, new ModelBook(world.horizon, supplyOf(world)));
            const change = job.changes.get(target.id);
            expect(p.next.jobType).toBe(jobType);
            expect(p.next.changes).toBe(change !== undefined);
            expect(p.next.statusReason).toBe(change?.to ?? target.statusReason);
            expect(p.next.placement).toEqual(change?.placement ?? model.placement);
            expect(p.next.outcome).toBe(job.outcomes.get(target.id) ?? null);

            // The pass of that job: SLA-expired lines take no supply; the lines ahead are promised in priority order.
            const expired = new Set([...job.changes].filter(([, ch]) => ch.to === 'BackorderSlaExpired').map(([id]) => id));
            expect(p.slaExpired).toBe(expired.has(target.id));
            const pending = models.filter((m) => !expired.has(m.id));
            const full = modelPass(pending, new ModelBook(world.horizon, supplyOf(world)), world.today);
            if (!p.slaExpired) expect(p.promised).toEqual(full.get(target.id) ?? null);
            if (!p.slaExpired && change?.to !== 'OutOfStock') expect(modelPlacement(world.today, p.promised)).toEqual(p.next.placement);

            const ahead = pending.filter((m) => modelPriorityOrder(m, model) < 0);
            const book = new ModelBook(world.horizon, supplyOf(world));
            const aheadPromises = modelPass(ahead, book, world.today);
            const before = models.filter((m) => modelPriorityOrder(m, model) < 0);
            expect(p.queue.position).toBe(before.length + 1);
            expect(p.queue.ahead).toEqual({ lines: before.length, quantity: before.reduce((s, m) => s + m.quantity, 0) });
            expect(p.queue.expiringAhead.lines).toBe(before.filter((m) => expired.has(m.id)).length);

            const notBefore = target.launchDate === null ? 0 : Math.max(0, modelDayNumber(target.launchDate) - world.todayNumber);
            expect(p.notBeforeDay).toBe(notBefore);
            expect(p.locations.map((l) => l.locationId)).toEqual(target.candidates.map((x) => x.locationId));
            expect([...p.locations, ...p.elsewhere].map((l) => l.locationId).sort()).toEqual(world.locations.map((l) => l.id).sort());
            for (const v of [...p.locations, ...p.elsewhere]) {
              const supply = book.supply(sku, v.locationId);
              expect(v.days).toHaveLength(world.horizon + 1);
              let running = 0;
              for (const d of v.days) {
                expect(d.projected).toBe(modelP(supply, d.day));
                expect(d.atp).toBe(modelAtp(supply, world.horizon, d.day));
                const promisedThere = ahead.filter((m) => aheadPromises.get(m.id)?.locationId === v.locationId && aheadPromises.get(m.id)?.day === d.day);
                expect(d.promisedAhead).toBe(promisedThere.reduce((s, m) => s + m.quantity, 0));
                running += d.supply - d.promisedAhead;
                expect(d.projected).toBe(running);
              }
              expect(v.earliestDay).toBe(modelEarliest(supply, world.horizon, target.quantity, notBefore));
              const own = v.days.find((d) => d.day >= notBefore && d.atp >= target.quantity)?.day ?? null;
              expect(v.earliestDay).toBe(own);
            }

            // The explanation: one or two sentences, naming the date's receipt or the launch that decides it.
            const text = explainHeldLine({
              today: world.today,
              horizon: world.horizon,
              line: target,
              allowBackorder: target.allowBackorder,
              backorders: c.backorders,
              cancellationSlaDays: c.sla,
              promise: p,
              ruleName: null,
            });
            expect(text).toMatch(/^[^.]+\.( [^.]+\.)?$/);
            const receipt = coveringReceipt(p, target);
            if (receipt !== null) expect(text).toContain(humanDate(addDays(world.today, receipt.day)));
            if (p.promised !== null && p.promised.day > 0 && receipt === null) expect(text).toContain(`launch date, ${humanDate(target.launchDate!)}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
