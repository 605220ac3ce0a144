/**
 * The jobs as the HTTP API and the CLI see them: definitions with their schedule and last run, manual runs,
 * the job log and run details. Owns the runner, the scheduler and the supply trigger.
 */
import { AppError } from '../app/errors.ts';
import type { AppContext } from '../app/context.ts';
import { readSettings } from '../app/settings/settings.query.ts';
import { lastRuns, listRuns, runDetails } from '../app/jobs/jobs.query.ts';
import { startDryRun } from '../app/jobs/dry-run.ts';
import type { DryRun } from '../app/jobs/dry-run.ts';
import type { JobRun, RunRecord } from '../app/jobs/jobs.query.ts';
import { JOB_TYPES, isJobType } from '../domain/holds/job-kind.ts';
import type { JobType } from '../domain/holds/job-kind.ts';
import type { Page } from '../app/pagination.ts';
import { DEFAULT_BATCH_LINES, JobRunner } from './runner.ts';
import type { RunnerOptions, StartedRun, Trigger } from './runner.ts';
import { JobScheduler } from './scheduler.ts';
import { SupplyTrigger } from './supply-trigger.ts';
import type { SupplySignal } from './supply-signal.ts';

export interface JobsOptions extends RunnerOptions {
  readonly eventDebounceMs: number;
}

export interface JobView {
  readonly jobType: JobType;
  readonly enabled: boolean;
  readonly cron: string;
  readonly onSupplyChange?: boolean;
  readonly nextRunAt: number | null;
  readonly lastRun: JobRun | null;
}

export { isJobType };

/** At most this many held lines per dry-run batch. */
const DRY_RUN_BATCH_LINES = 500;

export class JobsService {
  readonly runner: JobRunner;
  private readonly scheduler: JobScheduler;
  private readonly trigger: SupplyTrigger;
  private readonly unsubscribe: () => void;
  private readonly leaseTimeoutMs: number;
  private reaper: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AppContext,
    signal: SupplySignal,
    private readonly options: JobsOptions,
  ) {
    this.runner = new JobRunner(ctx, options);
    this.leaseTimeoutMs = options.leaseTimeoutMs;
    this.scheduler = new JobScheduler(ctx, this.runner, options.log);
    this.trigger = new SupplyTrigger(ctx, this.runner, options.eventDebounceMs, options.log);
    this.unsubscribe = signal.subscribe((skus) => this.trigger.notify(skus));
  }

  /**
   * What `serve` runs in the background: the cron schedules (not on a manual clock), the batch planner's thread,
   * and a watch that marks runs whose runner died as failed.
   */
  async startBackground(options: { cron: boolean }): Promise<void> {
    if (options.cron) await this.scheduler.start();
    this.options.planner?.prestart();
    // One look per job type at a time: a look that waits for a lock is not joined by more, each holding a connection.
    const looking = new Set<string>();
    this.reaper = setInterval(() => {
      for (const jobType of JOB_TYPES) {
        if (looking.has(jobType)) continue;
        looking.add(jobType);
        void this.runner
          .reapDeadRun(jobType)
          .catch(() => undefined)
          .finally(() => looking.delete(jobType));
      }
    }, Math.max(1_000, this.leaseTimeoutMs));
    this.reaper.unref?.();
  }

  async stop(): Promise<void> {
    if (this.reaper) clearInterval(this.reaper);
    this.unsubscribe();
    this.trigger.stop();
    this.scheduler.stop();
    await this.runner.stop();
  }

  async run(jobType: string, trigger: Trigger): Promise<StartedRun> {
    if (!isJobType(jobType)) throw new AppError('not_found', `there is no job type "${jobType}"; the job types are ${JOB_TYPES.join(' and ')}`);
    return this.runner.start({ jobType, trigger, skus: null });
  }

  /**
   * What a manual run of the job started now would do; writes nothing and takes no lease (it answers even while a
   * run of the type is going). Its batches are smaller than a run's: a dry run is planned on the request path,
   * and each batch is one uninterrupted turn of the event loop (batches never change what is planned, since each
   * sku is planned on its own).
   */
  async dryRun(jobType: string): Promise<DryRun> {
    if (!isJobType(jobType)) throw new AppError('not_found', `there is no job type "${jobType}"; the job types are ${JOB_TYPES.join(' and ')}`);
    const batchLines = Math.min(this.options.batchLines ?? DEFAULT_BATCH_LINES, DRY_RUN_BATCH_LINES);
    return startDryRun(this.ctx, jobType, { batchSkus: this.options.batchSkus, batchLines });
  }

  /** Resolves once no event run waits to start and none of this process's runs is going (tests, shutdown). */
  async idle(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.trigger.busy || this.runner.activeCount > 0) {
      if (Date.now() > until) throw new AppError('unavailable', 'jobs did not settle in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async definitions(): Promise<JobView[]> {
    const [settings, last] = await Promise.all([readSettings(this.ctx.database.db), lastRuns(this.ctx, JOB_TYPES)]);
    return JOB_TYPES.map((jobType) => {
      const job = settings.jobs[jobType];
      return {
        jobType,
        enabled: job.enabled,
        cron: job.cron,
        ...('onSupplyChange' in job ? { onSupplyChange: job.onSupplyChange } : {}),
        nextRunAt: this.scheduler.nextRun(jobType)?.getTime() ?? null,
        lastRun: last.get(jobType) ?? null,
      };
    });
  }

  listRuns(q: Parameters<typeof listRuns>[1]): Promise<Page<JobRun>> {
    return listRuns(this.ctx, q);
  }

  runDetails(id: string, q: { after?: [number, number]; limit: number }): Promise<{ run: JobRun; records: Page<RunRecord> }> {
    return runDetails(this.ctx, id, q);
  }
}
