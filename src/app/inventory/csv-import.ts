/**
 * CSV imports of on-hand counts and schedule entries, for `holdfast import` and for `text/csv` uploads alike.
 *
 * A file is read twice as a stream, in batches, so memory stays bounded by a batch whatever its size:
 *  1. check: the header, every row against the contract schema, every sku and location against the catalog,
 *     repeated on-hand rows; each error names its row and its CSV line (csv-parse counts lines, so a blank
 *     line or a quoted field over several lines does not shift them). The list keeps the first 100 errors and
 *     counts the rest. Nothing is written.
 *  2. write: only when the check found nothing, the rows again, in one transaction (all or nothing).
 * The event loop gets a turn between batches, so other requests are answered while a big file is read.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CsvError, parse } from 'csv-parse';
import type { TSchema } from '@sinclair/typebox';
import { invalid } from '../errors.ts';
import { BulkRowsError, LineRanges, MAX_LISTED_ERRORS, csvProblem } from './bulk-errors.ts';
import type { ErrorPlaces } from './bulk-errors.ts';
import type { FieldError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { makeAjv, fieldErrorsOf } from '../validation.ts';
import { OnHandRow as OnHandRowSchema, ScheduleRow as ScheduleRowSchema, isSku } from '../schemas.ts';
import { allLocations, findProducts } from '../../store/repositories/catalog.repository.ts';
import type { OnHandRow } from './set-on-hand.ts';
import { writeOnHand } from './set-on-hand.ts';
import type { NewScheduleEntry, ScheduleEntry, ScheduleKey } from './schedules.ts';
import { changed, referenceOf, scheduleKeyOf, writeSchedules } from './schedules.ts';
import { deleteScheduleKeys } from '../../store/repositories/schedules.repository.ts';

export type CsvKind = 'on-hand' | 'schedules';

interface CsvFormat {
  readonly columns: readonly string[];
  readonly required: readonly string[];
  readonly numeric: readonly string[];
  readonly schema: TSchema;
}

export const CSV_FORMATS: Readonly<Record<CsvKind, CsvFormat>> = {
  'on-hand': { columns: ['sku', 'locationId', 'onHand'], required: ['sku', 'locationId', 'onHand'], numeric: ['onHand'], schema: OnHandRowSchema },
  // `reference` may be left out of the header: every entry then has none.
  schedules: {
    columns: ['sku', 'locationId', 'date', 'quantity', 'reference'],
    required: ['sku', 'locationId', 'date', 'quantity'],
    numeric: ['quantity'],
    schema: ScheduleRowSchema,
  },
};

const BATCH = 1_000;
/** csv-parse refuses a single record longer than this (a file of one giant field is not read into memory). */
const MAX_RECORD_BYTES = 64 * 1024;
export { BulkRowsError, MAX_LISTED_ERRORS, csvProblem };

/** A CSV file or upload that can be read from the start more than once (a file, or a spooled request body). */
export type CsvSource = () => AsyncIterable<Buffer | string>;

export interface CsvImportOptions {
  /** Schedules: every (sku, location, reference) named in the file first loses its entries. */
  readonly replace?: boolean;
  /** More data rows than this fail the import (HTTP uploads); unlimited when absent. */
  readonly maxRows?: number;
  /** Hears the number of rows checked, then written. */
  readonly onProgress?: (phase: 'check' | 'write', rows: number) => void;
  /** Keep and answer the stored schedule entries (the HTTP answer lists them with their ids). */
  readonly collectItems?: boolean;
}

export interface CsvImportResult {
  readonly count: number;
  readonly items: ScheduleEntry[];
}

interface Row {
  /** 0-based index among the data rows: the `/3/...` of an error's path. */
  readonly index: number;
  /** The CSV line the row starts on. */
  readonly line: number;
  readonly value: Record<string, unknown>;
  /** What is wrong with the row's shape (more cells than the header has columns), said without its line. */
  readonly shape: string | null;
}

/** Checks the whole file, then imports it in one transaction; refuses with every error found (the first 100 listed). */
export async function importCsv(ctx: AppContext, kind: CsvKind, source: CsvSource, options: CsvImportOptions = {}): Promise<CsvImportResult> {
  const check = await checkCsv(ctx, kind, source(), options);
  if (check.errorCount > 0) throw csvProblem(check.errors, check.errorCount, check.rows, 'the CSV', check.places);
  return writeCsv(ctx, kind, source, options);
}

export interface CsvCheck {
  readonly rows: number;
  /** The first MAX_LISTED_ERRORS errors, in file order. */
  readonly errors: FieldError[];
  readonly errorCount: number;
  /** Which data rows the errors are in, and how many are the file's own (header, encoding, unreadable CSV). */
  readonly places: ErrorPlaces;
}

/** Reads and checks the whole input without writing anything. */
export async function checkCsv(ctx: AppContext, kind: CsvKind, input: AsyncIterable<Buffer | string>, options: CsvImportOptions = {}): Promise<CsvCheck> {
  const format = CSV_FORMATS[kind];
  const validate = makeAjv(false).compile(format.schema);
  const errors: FieldError[] = [];
  let errorCount = 0;
  const report = (e: FieldError) => {
    errorCount++;
    if (errors.length < MAX_LISTED_ERRORS) errors.push(e);
  };
  const known = await referenceCache(ctx);
  const seenOnHand = new Map<string, number>();
  const badRows = new LineRanges();
  let fileErrors = 0;
  // What the reader reports is the file's: its header, its encoding, CSV it cannot read (which stops the check).
  const reportFile = (e: FieldError) => {
    fileErrors++;
    report(e);
  };
  let rows = 0;
  for await (const batch of csvBatches(input, format, reportFile, options.maxRows)) {
    rows += batch.length;
    const values = batch.map((r) => r.value);
    const unknown = await known.check(values);
    for (const [i, row] of batch.entries()) {
      const found = row.shape === null ? [] : [{ path: `/${row.index}`, message: row.shape }];
      if (!validate(row.value)) found.push(...fieldErrorsOf(validate.errors ?? [], `/${row.index}`));
      found.push(...unknown[i]!.map((e) => ({ ...e, path: `/${row.index}${e.path}` })));
      if (kind === 'on-hand' && typeof row.value.sku === 'string' && typeof row.value.locationId === 'string') {
        const k = `${row.value.sku}\u0000${row.value.locationId}`;
        const first = seenOnHand.get(k);
        if (first !== undefined) found.push({ path: `/${row.index}`, message: `repeats ${row.value.sku} at ${row.value.locationId}, already given on CSV line ${first}` });
        else seenOnHand.set(k, row.line);
      }
      for (const e of found) report({ path: e.path, message: `${e.message} (CSV line ${row.line})` });
      if (found.length) badRows.add(row.line);
    }
    options.onProgress?.('check', rows);
  }
  if (rows === 0 && errorCount === 0) reportFile({ path: '', message: 'the CSV has a header but no rows' });
  return { rows, errors, errorCount, places: { rows, badRows: badRows.count, lines: badRows.text(), wholeErrors: fileErrors } };
}

/** Writes a checked input in one transaction, batch by batch. */
async function writeCsv(ctx: AppContext, kind: CsvKind, source: CsvSource, options: CsvImportOptions): Promise<CsvImportResult> {
  const format = CSV_FORMATS[kind];
  const fail = (e: FieldError) => {
    throw invalid([e], `the CSV changed while it was imported: ${e.path} ${e.message}`);
  };
  const skus = new Set<string>();
  const items: ScheduleEntry[] = [];
  let count = 0;
  await ctx.database.transaction(async (trx) => {
    skus.clear();
    items.length = 0;
    count = 0;
    const replaced = new Set<string>();
    for await (const batch of csvBatches(source(), format, fail)) {
      for (const r of batch) if (r.shape !== null) fail({ path: `/${r.index}`, message: `${r.shape} (CSV line ${r.line})` });
      if (kind === 'on-hand') {
        for (const s of await writeOnHand(ctx, trx, batch.map((r) => r.value as unknown as OnHandRow))) skus.add(s);
      } else {
        const entries = batch.map((r) => toEntry(r.value));
        if (options.replace) {
          const keys: ScheduleKey[] = [];
          for (const e of entries) if (!replaced.has(scheduleKeyOf(e))) (replaced.add(scheduleKeyOf(e)), keys.push(e));
          await deleteScheduleKeys(trx, keys);
        }
        const stored = await writeSchedules(ctx, trx, entries);
        if (options.collectItems) items.push(...stored);
        for (const e of entries) skus.add(e.sku);
      }
      count += batch.length;
      options.onProgress?.('write', count);
    }
  });
  changed(ctx, [...skus]);
  return { count, items };
}

const toEntry = (v: Record<string, unknown>): NewScheduleEntry => ({
  sku: v.sku as string,
  locationId: v.locationId as string,
  date: v.date as string,
  quantity: v.quantity as number,
  reference: referenceOf(v.reference as string | null | undefined),
});

/**
 * The data rows in batches, as the objects the row schema checks: cells trimmed, integer-looking cells of
 * numeric columns as numbers (anything else stays text, so the check names it), an empty reference as null.
 * Header problems and unreadable CSV go to `report` (reading stops there); a row with extra cells says so in `shape`.
 */
async function* csvBatches(
  input: AsyncIterable<Buffer | string>,
  format: CsvFormat,
  report: (e: FieldError) => void,
  maxRows?: number,
): AsyncGenerator<Row[]> {
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    max_record_size: MAX_RECORD_BYTES,
    record_delimiter: ['\r\n', '\n', '\r'],
  });
  // Feed the parser from the input as a pipe would, stopping when the parser stops.
  // The file is read as UTF-8, strictly: a byte that is not (a file saved as Latin-1, say) stops the import with an
  // error rather than becoming a replacement character in a stored reference.
  let notUtf8 = false;
  const feeding = (async () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    try {
      for await (const chunk of input) {
        if (parser.destroyed) return;
        const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
        if (!parser.write(text)) await drained(parser);
      }
      const rest = decoder.decode();
      if (rest && !parser.destroyed) parser.write(rest);
      parser.end();
    } catch (error) {
      notUtf8 = (error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
      parser.destroy(error as Error);
    }
  })();

  let header: string[] | null = null;
  let lastLine = 0;
  let lastEmpty = 0;
  let index = 0;
  let batch: Row[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      // A record starts on the line after the previous one ended, past any blank lines skipped between them.
      const line = lastLine + 1 + (info.empty_lines - lastEmpty);
      lastLine = info.lines;
      lastEmpty = info.empty_lines;
      if (header === null) {
        header = record;
        const problems = headerProblems(record, format);
        if (problems.length) {
          for (const message of problems) report({ path: '', message: `${message} (CSV line ${line})` });
          return;
        }
        continue;
      }
      if (maxRows !== undefined && index >= maxRows) {
        report({ path: '', message: `the CSV has more than ${maxRows} rows; send it in parts, or import the whole file with npx holdfast import schedules, which takes any size (CSV line ${line})` });
        return;
      }
      const shape = record.length > header.length ? `has ${record.length} cells but the header names ${header.length} columns` : null;
      batch.push({ index, line, value: rowValue(header, record, format), shape });
      index++;
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
        await nextTurn();
      }
    }
    if (batch.length) yield batch;
    if (header === null) report({ path: '', message: `the CSV is empty; its first line must be the header ${format.columns.join(',')}` });
  } catch (error) {
    // The rows read before the reader stopped are checked too (their errors come first, as in the file).
    if ((notUtf8 || error instanceof CsvError) && batch.length) {
      yield batch;
      batch = [];
    }
    if (notUtf8) {
      report({ path: '', message: 'the CSV is not UTF-8 text (it has a byte of another encoding, such as Latin-1); save it as UTF-8' });
      return;
    }
    // Whatever the parser refuses is the file's fault: said with its line, never a failure of the service.
    if (error instanceof CsvError) {
      // The parser may stop ahead of the rows read so far: its own count of records (the header first) places the row.
      const lines = typeof error.lines === 'number' ? error.lines : lastLine + 1;
      const row = typeof error.records === 'number' ? error.records - 1 : header !== null ? index : -1;
      report({ path: row >= 0 ? `/${row}` : '', message: `${csvErrorText(error.code, error.message)} (CSV line ${lines})` });
      return;
    }
    throw error;
  } finally {
    if (!parser.destroyed) parser.destroy();
    await feeding;
  }
}

/** Resolves when a writable can take more, or has been destroyed. */
function drained(stream: NodeJS.WritableStream & { destroyed: boolean }): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.removeListener('drain', done);
      stream.removeListener('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
    if (stream.destroyed) done();
  });
}

function rowValue(header: readonly string[], record: readonly string[], format: CsvFormat): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  header.forEach((name, i) => {
    const raw = record[i];
    if (raw === undefined) return;
    if (format.numeric.includes(name)) value[name] = /^[+-]?\d+$/.test(raw) ? Number(raw) : raw;
    else value[name] = raw === '' && name === 'reference' ? null : raw;
  });
  return value;
}

function headerProblems(header: readonly string[], format: CsvFormat): string[] {
  const problems: string[] = [];
  for (const c of format.required) if (!header.includes(c)) problems.push(`the header lacks the column "${c}"`);
  for (const c of header) if (!format.columns.includes(c)) problems.push(`the header has an unknown column "${c}"`);
  const repeated = header.filter((c, i) => header.indexOf(c) !== i);
  for (const c of new Set(repeated)) problems.push(`the header names "${c}" twice`);
  if (problems.length) problems.push(`the header must be ${format.columns.join(',')}${format.required.length < format.columns.length ? ` (${format.columns.filter((c) => !format.required.includes(c)).join(', ')} may be left out)` : ''}`);
  return problems;
}

function csvErrorText(code: string, message = ''): string {
  if (code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field is not closed';
  if (code === 'CSV_MAX_RECORD_SIZE') return `a row is longer than ${MAX_RECORD_BYTES / 1024} KiB`;
  if (code === 'CSV_INVALID_CLOSING_QUOTE' || code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE') return 'a quoted field has text after its closing quote';
  if (code === 'INVALID_OPENING_QUOTE') return 'a field has a quote inside it: quote the whole field and double the quotes in it ("PO ""7"" big")';
  return `the CSV cannot be read: ${message.split('\n')[0]}`;
}

/** Which skus and locations exist: locations read once, skus looked up batch by batch and remembered. */
async function referenceCache(ctx: AppContext) {
  const db = ctx.database.db;
  const locations = new Set((await allLocations(db)).map((l) => l.id));
  const skus = new Map<string, boolean>();
  return {
    /** Per row: its unknown-sku and unknown-location errors (paths relative to the row). */
    async check(rows: readonly Record<string, unknown>[]): Promise<FieldError[][]> {
      // A malformed sku is unknown without asking (it may hold a NUL, which PostgreSQL refuses in a query).
      const asked = [...new Set(rows.flatMap((r) => (typeof r.sku === 'string' && isSku(r.sku) && !skus.has(r.sku) ? [r.sku] : [])))];
      const found = asked.length ? await findProducts(db, asked) : new Map();
      // Remembered up to a bound (a file of a million distinct skus asks again rather than grow without end).
      for (const s of asked) if (skus.size < 200_000) skus.set(s, found.has(s));
      const exists = (sku: string) => skus.get(sku) ?? found.has(sku);
      return rows.map((r) => {
        const out: FieldError[] = [];
        if (typeof r.sku === 'string' && !exists(r.sku)) out.push({ path: '/sku', message: `unknown sku "${r.sku}"` });
        if (typeof r.locationId === 'string' && !locations.has(r.locationId)) out.push({ path: '/locationId', message: `unknown location "${r.locationId}"` });
        return out;
      });
    },
  };
}
