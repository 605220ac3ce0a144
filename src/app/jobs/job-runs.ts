/** Job runs and their per-line records as the use cases answer them. */
export type { JobRun, RunRecord } from '../../store/repositories/jobs.repository.ts';
