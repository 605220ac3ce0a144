/**
 * The answer to bulk rows (a CSV file, a JSON array) with errors: the first 100 errors, each naming its row
 * and field, and a summary with how many there were in all, in how many of the rows and (a CSV's) on which lines,
 * so an answer stays small however bad the input. The HTTP answer's `detail` and `holdfast import` say the same.
 */
import { AppError } from '../errors.ts';
import type { FieldError } from '../errors.ts';

export const MAX_LISTED_ERRORS = 100;

type Source = 'the CSV' | 'the body';

/** A refused bulk upload: its errors (the first 100) and a one-line summary with the total. */
export class BulkRowsError extends AppError {
  constructor(
    readonly summary: string,
    readonly total: number,
    errors: readonly FieldError[],
    source: Source = 'the CSV',
  ) {
    // An error of the whole input: a CSV's are sentences of their own ("the CSV is empty; ..."), a body's name it.
    const said = (e: FieldError) => (e.path ? `${e.path} ${e.message}` : source === 'the body' ? `the body ${e.message}` : e.message);
    super('validation', `${summary}: ${errors.slice(0, 3).map(said).join('; ')}${errors.length > 3 ? '; ...' : ''}`, errors);
  }
}

/** Where bulk rows' errors are. */
export interface ErrorPlaces {
  /** The rows checked (a CSV's header is not one). */
  readonly rows: number;
  /** Those with at least one error. */
  readonly badRows: number;
  /** A CSV's lines of those rows: `CSV lines 2-7`, `CSV lines 2, 5 and 9-12` (empty when unknown or none). */
  readonly lines: string;
  /** Errors of the input rather than of a row (a CSV's header, encoding or unreadable CSV, which stop the check; a body that is no list). */
  readonly wholeErrors: number;
}

/**
 * The 400 for bulk rows with errors (a CSV file, or a JSON array): each listed error names its row and field. A
 * body's places are read off its errors' paths (`/3/quantity` is row 3), which must then be all of them.
 */
export function csvProblem(allOrFirst: readonly FieldError[], errorCount: number, rows: number, source: Source = 'the CSV', places?: ErrorPlaces): BulkRowsError {
  const errors = allOrFirst.slice(0, MAX_LISTED_ERRORS);
  return new BulkRowsError(bulkErrorSummary(source, errorCount, errors.length, places ?? placesOf(allOrFirst, rows)), errorCount, errors, source);
}

function placesOf(errors: readonly FieldError[], rows: number): ErrorPlaces {
  const bad = new Set<string>();
  let wholeErrors = 0;
  for (const e of errors) {
    const row = /^\/(\d+)(?:\/|$)/.exec(e.path)?.[1];
    if (row === undefined) wholeErrors++;
    else bad.add(row);
  }
  return { rows, badRows: bad.size, lines: '', wholeErrors };
}

const counted = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * `the CSV has 6 errors in 6 of its 7 data rows (CSV lines 2-7), and nothing was written`: the errors, how many
 * rows have them out of how many there are, and (a CSV's) where; errors of the input as a whole counted apart.
 */
export function bulkErrorSummary(source: Source, errorCount: number, listed: number, p: ErrorPlaces): string {
  const rowWord = source === 'the CSV' ? 'data row' : 'row';
  const where = p.lines ? ` (${p.lines})` : '';
  const inRows = (errors: number, rowsSaid: string) => `${counted(errors, 'error')} in ${p.badRows} of ${rowsSaid}${where}`;
  let said: string;
  if (p.badRows === 0) said = `${source} has ${counted(errorCount, 'error')}`;
  else if (p.wholeErrors === 0) said = `${source} has ${inRows(errorCount, `its ${counted(p.rows, rowWord)}`)}`;
  else said = `${source} has ${inRows(errorCount - p.wholeErrors, `the ${counted(p.rows, rowWord)} checked`)} and ${p.wholeErrors} that stopped the check`;
  return `${said}${errorCount > listed ? `; the first ${listed} are listed` : ''}, and nothing was written`;
}

/** The CSV lines of the rows with errors, in file order, kept as at most a few ranges however many there are. */
export class LineRanges {
  private static readonly KEPT = 5;
  private readonly ranges: [number, number][] = [];
  private more = false;
  private last = 0;
  private rows = 0;

  /** The rows added. */
  get count(): number {
    return this.rows;
  }

  add(line: number): void {
    this.rows++;
    this.last = line;
    const r = this.ranges[this.ranges.length - 1];
    if (r && !this.more && line === r[1] + 1) r[1] = line;
    else if (this.ranges.length < LineRanges.KEPT) this.ranges.push([line, line]);
    else this.more = true;
  }

  /** `CSV line 5`, `CSV lines 2-7`, `CSV lines 2, 5 and 9-12`, `CSV lines 2, 4, 6, 8, 10 and more up to 4001`. */
  text(): string {
    if (this.count === 0) return '';
    if (this.count === 1) return `CSV line ${this.last}`;
    const parts = this.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
    if (this.more) return `CSV lines ${parts.join(', ')} and more up to ${this.last}`;
    return `CSV lines ${parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`}`;
  }
}

