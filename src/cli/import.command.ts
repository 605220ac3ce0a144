/**
 * `holdfast import on-hand|schedules <file.csv>`: the whole file is checked first (every bad row reported,
 * nothing written), then imported in chunks with a progress bar.
 */
import fs from 'node:fs';
import type { Config } from '../config/config.ts';
import { invalid } from '../app/errors.ts';
import { setOnHand } from '../app/inventory/set-on-hand.ts';
import type { OnHandRow } from '../app/inventory/set-on-hand.ts';
import { uploadSchedules } from '../app/inventory/schedules.ts';
import { checkReferences } from '../app/inventory/references.ts';
import type { NewScheduleEntry } from '../store/repositories/schedules.repository.ts';
import { OnHandBody, SchedulesBody } from '../http/contracts/inventory.contract.ts';
import { makeAjv } from '../http/validation.ts';
import { fieldErrorsOf } from '../http/problem.ts';
import { csvRecords } from '../http/csv.ts';
import { withContext } from './context.ts';
import { ProgressBar } from './progress.ts';

const CHUNK = 2_000;

export async function importCsv(config: Config, kind: 'on-hand' | 'schedules', file: string): Promise<number> {
  const text = fs.readFileSync(file, 'utf8');
  const numeric = kind === 'on-hand' ? ['onHand'] : ['quantity'];
  const { records } = csvRecords(text, numeric);
  const validate = makeAjv(false).compile(kind === 'on-hand' ? { ...OnHandBody, maxItems: undefined } : { ...SchedulesBody, maxItems: undefined });
  if (!validate(records)) {
    // Row n of the pointer is line n + 2 of the file (after the header).
    throw invalid(fieldErrorsOf(validate.errors ?? []), `${file}: rows do not match the ${kind} columns`);
  }
  return withContext(config, async (ctx) => {
    await checkReferences(ctx.database.db, records as { sku: string; locationId: string }[]);
    const bar = new ProgressBar(`import ${kind}`, records.length);
    bar.update(0);
    for (let i = 0; i < records.length; i += CHUNK) {
      const chunk = records.slice(i, i + CHUNK);
      if (kind === 'on-hand') await setOnHand(ctx, chunk as unknown as OnHandRow[]);
      else await uploadSchedules(ctx, (chunk as unknown as NewScheduleEntry[]).map((e) => ({ ...e, reference: e.reference ?? null })));
      bar.update(Math.min(records.length, i + CHUNK));
    }
    process.stdout.write(`imported ${records.length} ${kind} rows from ${file}\n`);
    return 0;
  });
}
