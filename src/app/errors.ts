/**
 * Expected failures of the use cases. Each code has one HTTP status and title; the HTTP layer renders an
 * AppError as problem+json, anything else is a bug (500).
 */
export const ERRORS = {
  validation: { status: 400, title: 'Invalid request' },
  unauthorized: { status: 401, title: 'Missing or unknown API key' },
  forbidden: { status: 403, title: 'Not allowed for this key' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  request_timeout: { status: 408, title: 'Request timed out' },
  invalid_transition: { status: 409, title: 'Not allowed in the current state' },
  conflict: { status: 409, title: 'Conflict' },
  job_running: { status: 409, title: 'A run of this job is in progress' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  uri_too_long: { status: 414, title: 'URL too long' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_mismatch: { status: 422, title: 'Idempotency key reused with a different request' },
  headers_too_large: { status: 431, title: 'Request headers too large' },
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

export const invalid = (errors: readonly FieldError[], detail?: string) => new AppError('validation', detail ?? describeErrors(errors), errors);

export const notFound = (what: string) => new AppError('not_found', `${what} does not exist`);

/** A field name as one JSON Pointer segment (RFC 6901): `a/b` is `/a~1b`, so the pointer names that field, not `a`'s `b`. */
export const pointerSegment = (name: string) => `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;

/** A JSON Pointer as people write field names: `/lines/0/quantity` is `lines[0].quantity`. */
export function fieldName(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/** Field errors as one sentence: `lines must have at least 1 item; priority must be at most 9`. */
export function describeErrors(errors: readonly FieldError[], where: 'body' | 'query parameter' | 'path parameter' | 'header' | 'row' = 'body'): string {
  const shown = errors.slice(0, 10).map((e) => {
    const name = fieldName(e.path);
    if (where === 'body') return name === '' ? `the body ${e.message}` : `${name} ${e.message}`;
    return name === '' ? `the ${where}s ${e.message}` : `${where} ${name} ${e.message}`;
  });
  const more = errors.length > shown.length ? `; and ${errors.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}
