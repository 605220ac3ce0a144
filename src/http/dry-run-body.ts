/**
 * The body of a dry run (SPEC section 5) as a stream of JSON text: the run's fixed fields, then the records batch by
 * batch as they are planned, then the counts (known only at the end) and `error`. Nothing holds more than one batch;
 * the stream asks for the next batch only when the client has taken the last (backpressure), and a client that
 * goes away stops the planning. A failure after the first byte cannot change the status any more: the body then
 * ends with the counts so far and `error` naming it.
 */
import { Readable } from 'node:stream';
import type { DryRun } from '../app/jobs/dry-run.ts';
import { addCounts, settledCounts, ZERO_COUNTS } from '../app/jobs/dry-run.ts';
import type { RunCounts } from '../app/jobs/jobs.query.ts';
import { iso } from './views.ts';

async function* dryRunJson(dry: DryRun, onError: (error: unknown) => void): AsyncGenerator<string> {
  yield `{"dryRun":true,"jobType":${JSON.stringify(dry.jobType)},"trigger":"manual","startedAt":${JSON.stringify(iso(dry.startedAt))},"records":[`;
  let counts: RunCounts = ZERO_COUNTS;
  let first = true;
  let error: string | null = null;
  try {
    for await (const batch of dry.batches()) {
      counts = addCounts(counts, batch.counts);
      if (batch.records.length === 0) continue;
      yield `${first ? '' : ','}${batch.records.map((r) => JSON.stringify(r)).join(',')}`;
      first = false;
    }
  } catch (e) {
    onError(e);
    error = `the dry run stopped: ${e instanceof Error ? e.message : String(e)}`;
  }
  const settled = settledCounts(dry.processed, counts);
  const tail = {
    processed: settled.processed,
    movedToFulfillment: settled.movedToFulfillment,
    movedToBackorder: settled.movedToBackorder,
    stillOnHold: settled.stillOnHold,
    canceled: settled.canceled,
    failedRecords: settled.failedRecords,
    error,
  };
  yield `],${JSON.stringify(tail).slice(1)}`;
}

export function dryRunBody(dry: DryRun, onError: (error: unknown) => void): Readable {
  return Readable.from(dryRunJson(dry, onError), { objectMode: false, highWaterMark: 64 * 1024 });
}
