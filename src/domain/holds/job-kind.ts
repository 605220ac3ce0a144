/**
 * The two background jobs as values (SPEC section 5). Everything that needs to know what a job covers and which
 * lines it may move reads it from here: the plan, the counts at the start of a run, and the store's queries.
 *
 *  - backorder: covers every sku with held lines (an event run: the skus whose supply changed); moves BackorderHold
 *    lines (SLA cancellation, release).
 *  - preorder: covers the skus with PreorderHold lines (launched or not); moves the PreorderHold lines whose launch
 *    date has come (release, or to BackorderHold or OutOfStock).
 *
 * Both re-date every held line of the skus they cover. A line is in a run's scope when the job may move it and the
 * event that put it into its status reason was committed before the run started (`statusSeq <= startSeq`): a
 * line that arrives during the run waits for the next one, whatever the processes' clocks say.
 */
import type { BusinessDate } from '../calendar/business-date.ts';
import type { StatusReason } from '../order/line-status.ts';

export const JOB_TYPES = ['backorder', 'preorder'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export interface JobKind {
  readonly jobType: JobType;
  /** The status reason of the lines the job moves. */
  readonly moves: Extract<StatusReason, 'BackorderHold' | 'PreorderHold'>;
  /** Moves a line only once its launch date is today or earlier. */
  readonly launchedOnly: boolean;
  /** Covers only the skus that have lines in `moves` (else every sku with held lines). */
  readonly coversOwnSkusOnly: boolean;
}

export const JOB_KINDS: Readonly<Record<JobType, JobKind>> = {
  backorder: { jobType: 'backorder', moves: 'BackorderHold', launchedOnly: false, coversOwnSkusOnly: false },
  preorder: { jobType: 'preorder', moves: 'PreorderHold', launchedOnly: true, coversOwnSkusOnly: true },
};

/** The job that moves lines of a held status reason (BackorderHold: backorder; PreorderHold: preorder). */
export function jobOwning(statusReason: 'BackorderHold' | 'PreorderHold'): JobType {
  return statusReason === 'BackorderHold' ? 'backorder' : 'preorder';
}

export const isJobType = (value: string): value is JobType => (JOB_TYPES as readonly string[]).includes(value);

/** What one run covers and may move, fixed when it starts. */
export interface RunScope {
  readonly kind: JobKind;
  /** The business date at the start of the run. */
  readonly today: BusinessDate;
  /** The last event committed when the run started. */
  readonly startSeq: number;
  /** The skus an event run covers; null for every sku the job covers. */
  readonly skus: readonly string[] | null;
}

export interface ScopedLine {
  readonly statusReason: StatusReason;
  readonly launchDate: BusinessDate | null;
  readonly statusSeq: number | null;
}

/** True when the job may move the line today (whenever it got there). */
export function jobMovesLine(kind: JobKind, line: Pick<ScopedLine, 'statusReason' | 'launchDate'>, today: BusinessDate): boolean {
  if (line.statusReason !== kind.moves) return false;
  return !kind.launchedOnly || (line.launchDate !== null && line.launchDate <= today);
}

/** True when the line was in the run's scope when it started. */
export function inRunScope(scope: RunScope, line: ScopedLine): boolean {
  return jobMovesLine(scope.kind, line, scope.today) && line.statusSeq !== null && line.statusSeq <= scope.startSeq;
}
