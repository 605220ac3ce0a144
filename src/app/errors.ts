/**
 * Expected failures of the use cases. Each code has one HTTP status and title; the HTTP layer renders an
 * AppError as problem+json, anything else is a bug (500).
 */
export const ERRORS = {
  validation: { status: 400, title: 'Invalid request' },
  unauthorized: { status: 401, title: 'Missing or unknown API key' },
  forbidden: { status: 403, title: 'Not allowed for this key' },
  not_found: { status: 404, title: 'Not found' },
  invalid_transition: { status: 409, title: 'Not allowed in the current state' },
  conflict: { status: 409, title: 'Conflict' },
  job_running: { status: 409, title: 'A run of this job is in progress' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_mismatch: { status: 422, title: 'Idempotency key reused with a different request' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldError {
  /** JSON Pointer into the request, e.g. `/lines/0/quantity`. */
  readonly path: string;
  readonly message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

export const invalid = (errors: readonly FieldError[], detail?: string) =>
  new AppError('validation', detail ?? errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; '), errors);

export const notFound = (what: string) => new AppError('not_found', `${what} does not exist`);
