/**
 * Settled skus (src/app/jobs/settled-skus.ts): a run skips a sku whose state is the one an earlier run of the job
 * left settled, and SPEC section 5 must not notice. Every run here is checked against a dry run made just before
 * it, which plans every sku from its lines: the same counts and the same records. Between runs the world changes
 * the ways a sku's plan can: nothing, the other job's run, stock, a new order, the business date, and the clock
 * passing a cancellation SLA within the day.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { DAY_MS, T0, byLine, expectInvariants, place, plusMs, runCountsOf, runDetails, runNow, setOnHand } from './job-helpers.ts';
import { seedMixedHolds } from './seed.ts';

describe.each(DATABASE_KINDS)('settled skus on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  for (const planner of ['planned under the lock', 'planned ahead in the planner thread'] as const) {
    it(`a run that skips settled skus ends as planning every sku does (${planner})`, async () => {
      t = await startTestService(kind, {
        now: T0,
        config: { jobBatchSkus: 2, jobBatchLines: 15, jobPlannerMinLines: planner === 'planned ahead in the planner thread' ? 0 : Number.MAX_SAFE_INTEGER },
      });
      await seedMixedHolds(t);
      const service = t;
      const { batches } = service.service.jobs.runner;

      /** A dry run, then the real run: the same counts and records. Answers the skus the run skipped and planned. */
      const step = async (jobType: 'backorder' | 'preorder') => {
        const dry = await service.api('POST', `/api/jobs/${jobType}/runs?dryRun=true`);
        expect(dry.status, dry.text.slice(0, 300)).toBe(200);
        const skipped0 = batches.skippedSkus;
        const planned0 = batches.plannedSkus;
        const real = await runNow(service, jobType);
        expect(real.status).toBe('succeeded');
        const { records } = await runDetails(service, real.id, 500);
        expect(runCountsOf(real)).toEqual(runCountsOf(dry.body));
        expect(byLine(records)).toEqual(byLine(dry.body.records));
        await expectInvariants(service.service.database.db);
        return { skipped: batches.skippedSkus - skipped0, planned: batches.plannedSkus - planned0, records, real };
      };

      // The first run finds nothing settled; it releases, re-dates and cancels.
      const first = await step('backorder');
      expect(first.skipped).toBe(0);
      expect(first.records.some((r: any) => r.to === 'BackorderSlaExpired')).toBe(true);
      expect(first.real.movedToFulfillment).toBeGreaterThan(0);

      // Nothing changed: every sku is skipped, none read.
      const idle = await step('backorder');
      expect(idle.records).toEqual([]);
      expect(idle.planned).toBe(0);
      expect(idle.skipped).toBeGreaterThan(0);
      expect(idle.real.stillOnHold).toBeGreaterThan(0);

      // The preorder job has settled nothing yet; its run moves the launched preorders, which unsettles their skus
      // for the backorder job.
      const preorder = await step('preorder');
      expect(preorder.skipped).toBe(0);
      expect(preorder.real.movedToBackorder + preorder.real.movedToFulfillment).toBeGreaterThan(0);
      const afterPreorder = await step('backorder');
      expect(afterPreorder.planned).toBeGreaterThanOrEqual(4);
      expect(afterPreorder.skipped).toBeGreaterThan(0);

      // Stock arrives for one sku, and an order comes for another: those two are planned again, the rest skipped.
      await setOnHand(service, [{ sku: 'NEW-00001', locationId: 'EAST', onHand: 40 }]);
      await place(service, 'late', [['NEW-00002', 2]]);
      const changed = await step('backorder');
      expect(changed.planned).toBe(2);
      expect(changed.records.some((r: any) => r.sku === 'NEW-00001' && r.to === 'AwaitingFulfillment')).toBe(true);

      // The preorder job finds the skus of its own last run settled (the backorder runs since left them as they were).
      const preorderAgain = await step('preorder');
      expect(preorderAgain.skipped).toBeGreaterThan(0);
      expect(preorderAgain.planned).toBe(0);

      // A new business date: nothing is settled for it.
      await service.setClock(plusMs(T0, 3 * DAY_MS - 5 * 60_000));
      const nextDay = await step('backorder');
      expect(nextDay.skipped).toBe(0);

      // Later that day the cancellation SLA of the lines backordered a minute before T0 runs out: the skus holding
      // them are planned again and those lines canceled; the others stay skipped.
      await service.setClock(plusMs(T0, 3 * DAY_MS + 60_000));
      const expired = await step('backorder');
      expect(expired.records.filter((r: any) => r.to === 'BackorderSlaExpired').length).toBeGreaterThan(0);
      expect(expired.planned).toBeGreaterThan(0);
      expect(expired.skipped).toBeGreaterThan(0);
    });
  }
});
