/**
 * `holdfast import on-hand|schedules <file.csv>`: the whole file is checked first (every bad row reported,
 * nothing written), then imported in one transaction with a progress bar.
 */
import fs from 'node:fs';
import type { Config } from '../config/config.ts';
import { AppError, invalid } from '../app/errors.ts';
import { setOnHand } from '../app/inventory/set-on-hand.ts';
import type { OnHandRow } from '../app/inventory/set-on-hand.ts';
import { uploadSchedules } from '../app/inventory/schedules.ts';
import { checkDistinct, referenceErrors } from '../app/inventory/references.ts';
import type { NewScheduleEntry } from '../store/repositories/schedules.repository.ts';
import { OnHandBody, SchedulesBody } from '../http/contracts/inventory.contract.ts';
import { makeAjv } from '../http/validation.ts';
import { fieldErrorsOf } from '../http/problem.ts';
import { csvRecords, withCsvLines } from '../http/csv.ts';
import { createService } from '../service.ts';
import { ProgressBar } from './progress.ts';

export async function importCsv(config: Config, kind: 'on-hand' | 'schedules', file: string): Promise<number> {
  const text = fs.readFileSync(file, 'utf8');
  const numeric = kind === 'on-hand' ? ['onHand'] : ['quantity'];
  const { records } = csvRecords(text, numeric);
  const validate = makeAjv(false).compile(kind === 'on-hand' ? { ...OnHandBody, maxItems: undefined } : { ...SchedulesBody, maxItems: undefined });
  if (!validate(records)) {
    throw invalid(withCsvLines(fieldErrorsOf(validate.errors ?? [])), `${file}: rows do not match the ${kind} columns`);
  }
  const service = await createService({ ...config, logLevel: 'warn' });
  try {
    const { ctx } = service;
    if (kind === 'on-hand') {
      try {
        checkDistinct(records as unknown as OnHandRow[]);
      } catch (error) {
        if (error instanceof AppError && error.errors) throw invalid(withCsvLines(error.errors), `${file}: ${error.detail}`);
        throw error;
      }
    }
    const unknown = await referenceErrors(ctx.database.db, records);
    if (unknown.length) throw invalid(withCsvLines(unknown), `${file}: rows name unknown skus or locations`);
    const bar = new ProgressBar(`import ${kind}`, records.length);
    bar.update(0);
    const progress = (written: number) => bar.update(written);
    // One transaction for the whole file: an import is all or nothing, like the HTTP upload.
    if (kind === 'on-hand') await setOnHand(ctx, records as unknown as OnHandRow[], progress);
    else await uploadSchedules(ctx, (records as unknown as NewScheduleEntry[]).map((e) => ({ ...e, reference: e.reference ?? null })), progress);
    process.stdout.write(`imported ${records.length} ${kind} rows from ${file}\n`);
    // Changed supply starts its event-triggered backorder run here, as it would in `serve`.
    try {
      await service.jobs.idle(60_000);
    } catch {
      process.stderr.write('a backorder run is still going elsewhere; the next run re-checks the held lines of these skus\n');
    }
    return 0;
  } finally {
    await service.close();
  }
}
