/**
 * The two background jobs (SPEC section 5). Both run the same promising pass over every held line of the skus
 * they cover; they differ in which skus they cover and which lines they may move.
 *
 *  - backorder: every sku with held lines (an event run: the skus whose supply grew); moves BackorderHold
 *    lines (SLA cancellation, release). In scope at the start: lines backordered at or before it.
 *  - preorder: skus with PreorderHold lines; moves the launched ones (release, or to BackorderHold or
 *    OutOfStock). In scope at the start: preorder lines taken at or before it whose launch date has come.
 */
import { inJobScope } from '../domain/holds/job-plan.ts';
import type { JobType } from '../domain/holds/job-plan.ts';
import type { OrderLine } from '../domain/order/order-line.ts';

export interface JobDefinition {
  readonly jobType: JobType;
  /** Covers only skus having PreorderHold lines (else every sku with held lines). */
  readonly preorderSkusOnly: boolean;
  /** Whether the job may move this line today. */
  movesLine(line: Pick<OrderLine, 'statusReason' | 'launchDate'>, today: string): boolean;
  /** Whether the line was already in the job's scope when the run started. */
  inScopeAtStart(line: Pick<OrderLine, 'backorderedAt'> & { readonly orderedAt: number }, startedAt: number): boolean;
}

export const JOB_DEFINITIONS: Readonly<Record<JobType, JobDefinition>> = {
  backorder: {
    jobType: 'backorder',
    preorderSkusOnly: false,
    movesLine: (line, today) => inJobScope('backorder', line, today),
    inScopeAtStart: (line, startedAt) => line.backorderedAt !== null && line.backorderedAt <= startedAt,
  },
  preorder: {
    jobType: 'preorder',
    preorderSkusOnly: true,
    movesLine: (line, today) => inJobScope('preorder', line, today),
    inScopeAtStart: (line, startedAt) => line.orderedAt <= startedAt,
  },
};
