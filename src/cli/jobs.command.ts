/** `holdfast jobs run <type>`: runs a job now beside any running service (the lease keeps it to one run) and prints its counts. */
import type { Config } from '../config/config.ts';
import { JOB_TYPES } from '../domain/holds/job-plan.ts';
import { missingDatabase } from '../app/runtime.ts';
import { AppError } from '../app/errors.ts';
import { createCore } from '../core.ts';
import { COMMAND_CONNECT_TIMEOUT_MS } from '../app/runtime.ts';
import { UsageError } from './args.ts';
import { holdDatabase } from './holders.ts';

export async function runJobCommand(config: Config, jobType: string): Promise<number> {
  if (!(JOB_TYPES as readonly string[]).includes(jobType)) throw new UsageError(`there is no job type "${jobType}"; the job types are ${JOB_TYPES.join(' and ')}`, 'jobs run');
  const missing = missingDatabase(config.databaseUrl);
  if (missing) throw new AppError('not_found', missing);
  const release = holdDatabase(config.databaseUrl, 'jobs run');
  const core = await createCore({ ...config, logLevel: 'warn' }, { connectTimeoutMs: COMMAND_CONNECT_TIMEOUT_MS, existingOnly: true });
  try {
    const started = await core.jobs.run(jobType, 'manual');
    process.stderr.write(`${jobType} run ${started.run.id} started: ${started.run.processed} lines in scope\n`);
    const run = await started.done;
    const counts = ['processed', 'movedToFulfillment', 'movedToBackorder', 'stillOnHold', 'canceled', 'failedRecords'] as const;
    process.stdout.write(`${run.jobType} run ${run.id}: ${run.status}\n`);
    for (const k of counts) process.stdout.write(`  ${k.padEnd(20)} ${run[k]}\n`);
    if (run.error) process.stdout.write(`  error                ${run.error}\n`);
    return run.status === 'succeeded' ? 0 : 1;
  } finally {
    await core.close();
    release();
  }
}
