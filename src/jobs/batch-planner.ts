/**
 * Plans job batches ahead in a worker thread with its own database connection, so a run's reading and planning go
 * on while the main thread writes the batch before (on SQLite every statement of the main connection runs on the
 * request thread). A plan made ahead is only a proposal: the write checks it under the skus' lock and plans again
 * when anything it read has changed (`runBatch`). When the thread cannot start or fails, runs plan under the lock.
 */
import type { Worker } from 'node:worker_threads';
import { eventContextOf } from '../app/jobs/job-batch.ts';
import type { PlannedBatch } from '../app/jobs/job-batch.ts';
import { fromWire } from '../app/jobs/plan-wire.ts';
import type { PlanWire } from '../app/jobs/plan-wire.ts';
import type { RunFrame, RunRequest, RunStartAhead } from '../app/jobs/start-run.ts';
import type { RunScope } from '../domain/holds/job-kind.ts';
import type { Settings } from '../domain/settings/settings.ts';
import type { FulfillmentPolicy } from '../domain/policy/fulfillment-policy.ts';
import type { Location } from '../domain/inventory/location.ts';
import { moduleWorker, stopModuleWorker } from '../app/threads.ts';

/** A run's frame as plain data (what crosses to the thread). */
export interface PlanFrameData {
  readonly runId: string;
  readonly scope: RunScope;
  readonly settings: Settings;
  readonly horizon: number;
  readonly policy: FulfillmentPolicy;
  readonly locations: readonly Location[];
  readonly eventContext: Readonly<Record<string, unknown>>;
  readonly settledKey: string;
}

export interface PlanRequest {
  readonly id: number;
  readonly frame: PlanFrameData;
  readonly skus: readonly string[];
  readonly now: number;
}

/** Read a run's start ahead (`readRunStartAhead`): its count of lines in scope holds the request thread otherwise. */
export interface StartRequest {
  readonly id: number;
  readonly start: Omit<RunRequest, 'trigger'>;
  readonly startedAt: number;
}

export type PlanResponse =
  | { readonly id: number; readonly planned: PlanWire }
  | { readonly id: number; readonly start: RunStartAhead }
  | { readonly id: number; readonly error: string };

export class BatchPlanner {
  private worker: Worker | null = null;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, (response: PlanResponse | null) => void>();

  constructor(private readonly databaseUrl: string) {}

  /** A plan made ahead, or null (plan under the lock) when the thread failed or the plan could not be made. */
  plan(frame: RunFrame, skus: readonly string[], now: number): Promise<PlannedBatch | null> {
    const data: PlanFrameData = {
      runId: frame.run.id,
      scope: frame.scope,
      settings: frame.settings,
      horizon: frame.horizon,
      policy: frame.policy,
      locations: frame.locations,
      eventContext: eventContextOf(frame),
      settledKey: frame.settledKey,
    };
    return this.ask((id) => ({ id, frame: data, skus, now }) satisfies PlanRequest, (r) => ('planned' in r ? fromWire(r.planned) : null));
  }

  /** A run's start read in the thread's snapshot, or null (read it in the start transaction) when it could not. */
  readStart(start: Omit<RunRequest, 'trigger'>, startedAt: number): Promise<RunStartAhead | null> {
    return this.ask((id) => ({ id, start: { jobType: start.jobType, skus: start.skus }, startedAt }) satisfies StartRequest, (r) => ('start' in r ? r.start : null));
  }

  private ask<T>(message: (id: number) => PlanRequest | StartRequest, answer: (response: PlanResponse) => T | null): Promise<T | null> {
    const worker = this.ensureWorker();
    if (!worker) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, (response) => resolve(response === null ? null : answer(response)));
      worker.postMessage(message(id));
    });
  }

  /** Starts the thread now (`serve`), so the first large run does not wait for it to start. */
  prestart(): void {
    this.ensureWorker();
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.broken = true;
    this.settleAll();
    if (worker) await stopModuleWorker(worker);
  }

  private ensureWorker(): Worker | null {
    if (this.worker || this.broken) return this.worker;
    try {
      const worker = moduleWorker(import.meta.url, 'plan-worker', { databaseUrl: this.databaseUrl });
      worker.unref();
      worker.on('message', (response: PlanResponse) => {
        const waiter = this.pending.get(response.id);
        this.pending.delete(response.id);
        waiter?.(response);
      });
      const fail = () => {
        this.broken = true;
        this.worker = null;
        this.settleAll();
      };
      worker.on('error', fail);
      worker.on('exit', fail);
      this.worker = worker;
      return worker;
    } catch {
      this.broken = true;
      return null;
    }
  }

  private settleAll(): void {
    for (const resolve of this.pending.values()) resolve(null);
    this.pending.clear();
  }
}
