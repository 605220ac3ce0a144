/**
 * `holdfast import on-hand|schedules <file.csv> [--replace]`: the same checks and error list as an HTTP upload
 * (one checker in src/app): the whole file is checked first, every bad row listed with its CSV line, nothing
 * written; then it is imported in one transaction with a progress bar. Supply it changes starts the
 * event-triggered backorder run here, as it would in `serve`.
 *
 * Unlike the HTTP API (100,000 schedule rows and 16 MiB an upload, 50,000 on-hand rows) it takes a file of any
 * size, the documented way to import more: the file is read as a stream, a thousand rows at a time, so memory
 * hardly grows with it (schedules on the demo database: 30,000 rows 140 MB at most; 300,000 rows 210 MB, 8-13 s;
 * 1,200,000 rows 255 MB, 30 s).
 */
import fs from 'node:fs';
import type { Config } from '../config/config.ts';
import { AppError } from '../app/errors.ts';
import { missingDatabase } from '../app/runtime.ts';
import { BulkRowsError, importCsv } from '../app/inventory/csv-import.ts';
import type { CsvKind } from '../app/inventory/csv-import.ts';
import { createCore } from '../core.ts';
import { COMMAND_CONNECT_TIMEOUT_MS } from '../app/runtime.ts';
import { UsageError } from './args.ts';
import { holdDatabase } from './holders.ts';
import { ProgressBar } from './progress.ts';

export async function importCommand(config: Config, kind: CsvKind, file: string, options: { replace?: boolean }): Promise<number> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UsageError(`there is no file ${file}`, `import ${kind}`);
  }
  if (!stat.isFile()) throw new UsageError(`${file} is not a file`, `import ${kind}`);
  fs.accessSync(file, fs.constants.R_OK);
  const missing = missingDatabase(config.databaseUrl);
  if (missing) throw new AppError('not_found', missing);

  const release = holdDatabase(config.databaseUrl, `import ${kind}`);
  // One import is one burst of changes: its event run starts at once instead of after the debounce.
  const core = await createCore({ ...config, logLevel: 'warn', eventDebounceMs: 0 }, { connectTimeoutMs: COMMAND_CONNECT_TIMEOUT_MS, existingOnly: true });
  try {
    let bar: ProgressBar | null = null;
    let checked = 0;
    const result = await importCsv(core.ctx, kind, () => fs.createReadStream(file), {
      replace: options.replace,
      onProgress: (phase, rows) => {
        if (phase === 'check') checked = rows;
        else {
          bar ??= new ProgressBar(`import ${kind}`, checked);
          bar.update(rows);
        }
      },
    });
    process.stdout.write(`imported ${result.count} ${kind} rows from ${file}${options.replace ? ' (replacing the entries of the references it names)' : ''}\n`);
    try {
      await core.jobs.idle(60_000);
    } catch {
      process.stderr.write('a backorder run is still going elsewhere; the next run re-checks the held lines of these skus\n');
    }
    return 0;
  } catch (error) {
    if (error instanceof BulkRowsError) throw new AppError('validation', `${file}: ${error.summary}:`, error.errors);
    if (error instanceof AppError && error.code === 'validation') throw new AppError('validation', `${file}: ${error.detail}`, error.errors);
    throw error;
  } finally {
    await core.close();
    release();
  }
}
