/**
 * `holdfast jobs run <type> --dry-run`: what a manual run started now would do (SPEC sections 5 and 8), printed
 * record by record as its batches are planned (each line by its order's externalId and line number), then its
 * counts. Writes nothing. The records with every internal id are the HTTP dry run's (`?dryRun=true`, JSON).
 */
import type { Config } from '../config/config.ts';
import { addCounts, settledCounts, startDryRun, ZERO_COUNTS } from '../app/jobs/dry-run.ts';
import type { RunCounts, RunRecord } from '../app/jobs/jobs.query.ts';
import { isJobType, JOB_TYPES } from '../domain/holds/job-kind.ts';
import type { JobType } from '../domain/holds/job-kind.ts';
import type { AppContext } from '../app/context.ts';
import { UsageError } from './args.ts';
import { missingDatabase, withAppContext } from '../app/runtime.ts';
import { holdDatabase } from './holders.ts';
import { AppError } from '../app/errors.ts';
import { lineLabels } from '../app/orders/orders.query.ts';
import type { LineLabel } from '../app/orders/orders.query.ts';

// What an operator knows a line by first (its order's externalId and line number, sku, location); the internal line
// id last, for the API and the console (GET /api/order-lines/{id}).
const COLUMNS: [string, number][] = [
  ['order', 20],
  ['line', 5],
  ['sku', 16],
  ['quantity', 9],
  ['from -> to', 38],
  ['location', 10],
  ['available', 11],
  ['ships', 11],
  ['line id', 0],
];

const row = (cells: readonly string[]) => `${cells.map((c, i) => c.padEnd(COLUMNS[i]![1])).join(' ').trimEnd()}\n`;
const recordRow = (r: RunRecord, label: LineLabel | undefined) =>
  row([
    label?.externalId ?? r.orderId,
    label ? String(label.lineNumber) : '?',
    r.sku,
    String(r.quantity),
    `${r.from} -> ${r.to}`,
    r.locationId ?? '-',
    r.inventoryAvailabilityDate ?? '-',
    r.estimatedShipmentDate ?? '-',
    r.lineId,
  ]);

/** Writes to stdout, waiting when its buffer is full (a million records never pile up in memory). */
function write(text: string): Promise<void> {
  return process.stdout.write(text) ? Promise.resolve() : new Promise((resolve) => process.stdout.once('drain', () => resolve()));
}

export async function dryRunCommand(config: Config, jobType: string): Promise<number> {
  if (!isJobType(jobType)) throw new UsageError(`there is no job type "${jobType}"; the job types are ${JOB_TYPES.join(' and ')}`, 'jobs run');
  // Refused before anything is made: holding the file would create its folder and a holders folder beside it.
  const missing = missingDatabase(config.databaseUrl);
  if (missing) throw new AppError('not_found', missing);
  const release = holdDatabase(config.databaseUrl, 'jobs run --dry-run');
  try {
    return await withAppContext({ databaseUrl: config.databaseUrl, manualClock: config.manualClock, mustExist: true }, (ctx) => dryRun(ctx, config, jobType));
  } finally {
    release();
  }
}

async function dryRun(ctx: AppContext, config: Config, jobType: JobType): Promise<number> {
  const dry = await startDryRun(ctx, jobType, { batchSkus: config.jobBatchSkus, batchLines: config.jobBatchLines });
  process.stderr.write(`${jobType} dry run at ${new Date(dry.startedAt).toISOString()}: what a manual run started now would do; nothing is written\n`);
  let counts: RunCounts = ZERO_COUNTS;
  let records = 0;
  for await (const batch of dry.batches()) {
    counts = addCounts(counts, batch.counts);
    if (batch.records.length === 0) continue;
    if (records === 0) await write(row(COLUMNS.map(([name]) => name)));
    records += batch.records.length;
    const labels = await lineLabels(ctx, batch.records.map((r) => r.lineId));
    await write(batch.records.map((r) => recordRow(r, labels.get(r.lineId))).join(''));
  }
  const settled = settledCounts(dry.processed, counts);
  const names = ['processed', 'movedToFulfillment', 'movedToBackorder', 'stillOnHold', 'canceled', 'failedRecords'] as const;
  await write(`${records === 0 ? '' : '\n'}${jobType} dry run: ${records} ${records === 1 ? 'record' : 'records'}, nothing written\n`);
  for (const k of names) await write(`  ${k.padEnd(20)} ${settled[k]}\n`);
  return 0;
}
