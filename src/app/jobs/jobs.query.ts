/** Reads of the job log: runs, a run with its records, the last run of each job type. */
import { notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { getRun, lastRuns as lastRunsOf, listRunRecords, listRuns as runPage } from '../../store/repositories/jobs.repository.ts';
import type { JobRun, RunRecord } from '../../store/repositories/jobs.repository.ts';
import type { Page } from '../../store/repositories/pagination.ts';

export type { JobRun, RunCounts, RunRecord } from '../../store/repositories/jobs.repository.ts';

export function listRuns(ctx: AppContext, q: Parameters<typeof runPage>[1]): Promise<Page<JobRun>> {
  return runPage(ctx.database.db, q);
}

export function lastRuns(ctx: AppContext, jobTypes: readonly string[]): Promise<Map<string, JobRun>> {
  return lastRunsOf(ctx.database.db, jobTypes);
}

export async function runDetails(ctx: AppContext, id: string, q: { after?: [number, number]; limit: number }): Promise<{ run: JobRun; records: Page<RunRecord> }> {
  const run = await getRun(ctx.database.db, id);
  if (!run) throw notFound(`job run ${id}`);
  return { run, records: await listRunRecords(ctx.database.db, id, q) };
}
