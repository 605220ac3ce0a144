/**
 * Cron schedules of the jobs, from the settings (`jobs.<type>.cron`, in the business time zone). Settings are
 * re-read every few seconds, so a PATCH takes effect without a restart. Several processes may schedule the
 * same tick: the lease lets one run start and the others skip. Not started on a manual clock.
 */
import { Cron } from 'croner';
import { AppError } from '../app/errors.ts';
import type { AppContext } from '../app/context.ts';
import { readSettings } from '../app/settings/settings.query.ts';
import { JOB_TYPES } from '../domain/holds/job-plan.ts';
import type { JobType } from '../domain/holds/job-plan.ts';
import type { JobRunner } from './runner.ts';

const REFRESH_MS = 5_000;

export class JobScheduler {
  private readonly crons = new Map<JobType, { spec: string; cron: Cron }>();
  private refreshTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly runner: JobRunner,
    private readonly log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.refreshTimer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.refreshTimer.unref?.();
  }

  stop(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    for (const { cron } of this.crons.values()) cron.stop();
    this.crons.clear();
  }

  /** The next scheduled start of a job type, if it is scheduled. */
  nextRun(jobType: JobType): Date | null {
    return this.crons.get(jobType)?.cron.nextRun() ?? null;
  }

  private async refresh(): Promise<void> {
    const settings = await readSettings(this.ctx.database.db);
    for (const jobType of JOB_TYPES) {
      const job = settings.jobs[jobType];
      const spec = job.enabled ? `${job.cron}@${settings.timeZone}` : '';
      const current = this.crons.get(jobType);
      if (current?.spec === spec) continue;
      current?.cron.stop();
      this.crons.delete(jobType);
      if (!spec) continue;
      const cron = new Cron(job.cron, { timezone: settings.timeZone, protect: true }, () => this.tick(jobType));
      this.crons.set(jobType, { spec, cron });
    }
  }

  private async tick(jobType: JobType): Promise<void> {
    try {
      const { done } = await this.runner.start({ jobType, trigger: 'scheduled', skus: null });
      await done;
    } catch (error) {
      if (error instanceof AppError && error.code === 'job_running') return;
      this.log?.('warn', 'scheduled run could not start', { jobType, error: (error as Error).message });
    }
  }
}
