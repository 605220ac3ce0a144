/**
 * The answer to bulk rows (a CSV file, a JSON array) with errors: the first 100 errors, each naming its row
 * and field, and a summary with how many there were in all, so an answer stays small however bad the input.
 */
import { AppError } from '../errors.ts';
import type { FieldError } from '../errors.ts';

export const MAX_LISTED_ERRORS = 100;

/** A refused bulk upload: its errors (the first 100) and a one-line summary with the total. */
export class BulkRowsError extends AppError {
  constructor(
    readonly summary: string,
    readonly total: number,
    errors: readonly FieldError[],
    source: 'the CSV' | 'the body' = 'the CSV',
  ) {
    // An error of the whole input: a CSV's are sentences of their own ("the CSV is empty; ..."), a body's name it.
    const said = (e: FieldError) => (e.path ? `${e.path} ${e.message}` : source === 'the body' ? `the body ${e.message}` : e.message);
    super('validation', `${summary}: ${errors.slice(0, 3).map(said).join('; ')}${errors.length > 3 ? '; ...' : ''}`, errors);
  }
}

/** The 400 for bulk rows with errors (a CSV file, or a JSON array): each listed error names its row and field. */
export function csvProblem(allOrFirst: readonly FieldError[], errorCount: number, rows: number, source: 'the CSV' | 'the body' = 'the CSV'): BulkRowsError {
  const errors = allOrFirst.slice(0, MAX_LISTED_ERRORS);
  const listed = errorCount > errors.length ? `; the first ${errors.length} are listed` : '';
  const summary = `${source} has ${errorCount} ${errorCount === 1 ? 'error' : 'errors'} in ${rows} ${rows === 1 ? 'row' : 'rows'}${listed}, and nothing was written`;
  return new BulkRowsError(summary, errorCount, errors, source);
}

