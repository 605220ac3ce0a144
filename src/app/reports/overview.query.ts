/**
 * What the console's Home screen shows, in one read transaction: lines and units per status reason, the age of
 * the Backorder Hold lines (whole days since `backorderedAt`, in the buckets 0-2, 3-7, 8-14, 15-30, over 30),
 * and for each preorder-eligible product the units on Preorder Hold against the receipts scheduled up to its
 * launch and after it. Grouped reads in one read-only transaction, so the counts agree with each other; it never
 * takes the write lock.
 */
import type { AppContext } from '../context.ts';
import { readSettings } from '../settings/settings.query.ts';
import { businessDateOf } from '../../domain/calendar/business-date.ts';
import { STATUS_REASONS } from '../../domain/order/line-status.ts';
import type { StatusReason } from '../../domain/order/line-status.ts';
import { countBackordersByAge, countLinesByReason, preorderDemand } from '../../store/repositories/overview.repository.ts';
import type { PreorderDemandRow } from '../../store/repositories/overview.repository.ts';

/** Upper bounds (exclusive, in whole days) of the ageing buckets; a last bucket takes the rest. */
const AGE_BOUNDS = [3, 8, 15, 31] as const;
export const AGE_BUCKETS = ['0-2', '3-7', '8-14', '15-30', 'over 30'] as const;
/** Products shown in the preorder demand chart. */
const PREORDER_PRODUCTS = 50;

export interface Overview {
  readonly now: number;
  readonly today: string;
  readonly statusReasons: { statusReason: StatusReason; lines: number; units: number }[];
  readonly backorderAgeing: { bucket: (typeof AGE_BUCKETS)[number]; lines: number; units: number }[];
  readonly preorderDemand: PreorderDemandRow[];
}

export async function readOverview(ctx: AppContext): Promise<Overview> {
  const now = ctx.clock.now();
  const { today, reasons, ages, demand } = await ctx.database.read(async (db) => {
    const settings = await readSettings(db);
    const today = businessDateOf(now, settings.timeZone);
    return {
      today,
      reasons: await countLinesByReason(db),
      ages: await countBackordersByAge(db, now, AGE_BOUNDS),
      demand: await preorderDemand(db, today, PREORDER_PRODUCTS),
    };
  });
  const reasonOf = new Map(reasons.map((r) => [r.statusReason, r]));
  const ageOf = new Map(ages.map((a) => [a.bucket, a]));
  return {
    now,
    today,
    statusReasons: STATUS_REASONS.map((s) => ({ statusReason: s, lines: reasonOf.get(s)?.lines ?? 0, units: reasonOf.get(s)?.units ?? 0 })),
    backorderAgeing: AGE_BUCKETS.map((bucket, i) => ({ bucket, lines: ageOf.get(i)?.lines ?? 0, units: ageOf.get(i)?.units ?? 0 })),
    preorderDemand: demand,
  };
}
