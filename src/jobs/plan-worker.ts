/**
 * The batch planner's thread: it reads a batch from a snapshot of its own connection and plans it (the same
 * `planAhead` the run would use under its lock), while the main thread writes the batch before. It never writes.
 * Plans cross back as flat arrays (src/app/jobs/plan-wire.ts): copying the plan's object graph took about an eighth
 * of the main thread's time in a run over 300,000 held lines.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { planAhead } from '../app/jobs/job-batch.ts';
import { readRunStartAhead } from '../app/jobs/start-run.ts';
import { toWire } from '../app/jobs/plan-wire.ts';
import { CandidateResolver } from '../domain/policy/fulfillment-policy.ts';
import { openThreadContext } from '../app/runtime.ts';
import type { PlanRequest, PlanResponse, StartRequest } from './batch-planner.ts';

let now = 0;
const ctx = openThreadContext((workerData as { databaseUrl: string }).databaseUrl, { now: () => now, manual: true });
const { database } = ctx;
const resolvers = new Map<string, CandidateResolver>();

const failed = (id: number) => (error: unknown) => parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies PlanResponse);

parentPort!.on('message', (request: PlanRequest | StartRequest | 'close') => {
  if (request === 'close') {
    void database.close().finally(() => process.exit(0));
    return;
  }
  if ('start' in request) {
    const { id, start, startedAt } = request;
    readRunStartAhead(ctx, start, startedAt).then((ahead) => parentPort!.postMessage({ id, start: ahead! } satisfies PlanResponse), failed(id));
    return;
  }
  const { id, frame, skus } = request;
  now = request.now;
  let resolver = resolvers.get(frame.runId);
  if (!resolver) {
    resolver = new CandidateResolver(frame.policy, frame.locations);
    resolvers.clear();
    resolvers.set(frame.runId, resolver);
  }
  planAhead(ctx, { scope: frame.scope, settings: frame.settings, horizon: frame.horizon, resolver, eventContext: frame.eventContext, settledKey: frame.settledKey }, skus, request.now).then(
    (planned) => parentPort!.postMessage({ id, planned: toWire(planned, database.store.preparedCrossThreads) } satisfies PlanResponse),
    failed(id),
  );
});
