/** The end of a run, and the heartbeat that keeps its lease while it goes. */
import type { AppContext } from '../context.ts';
import { dropLease, finishRun, getRun, renewLease } from '../../store/repositories/jobs.repository.ts';
import type { JobRun } from '../../store/repositories/jobs.repository.ts';

/** Ends the run (counting the lines no batch accounted for, SPEC section 5) and frees the job type's lease. */
export async function endRun(ctx: AppContext, run: JobRun, status: 'succeeded' | 'failed', error: string | null): Promise<void> {
  await ctx.database.transaction(async (trx) => {
    await finishRun(trx, run.id, status, error, ctx.clock.now());
    await dropLease(trx, run.jobType, run.id);
  });
}

/** Renews the run's lease; false when another runner has taken it over. */
export function heartbeat(ctx: AppContext, run: JobRun): Promise<boolean> {
  return renewLease(ctx.database.db, run.jobType, run.id, Date.now());
}

export function readRun(ctx: AppContext, id: string): Promise<JobRun | undefined> {
  return getRun(ctx.database.db, id);
}
