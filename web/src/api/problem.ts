/**
 * Failed calls as values the screens can show: an ApiError carries the problem+json answer (status, title,
 * detail and the field errors with their JSON Pointers), or status 0 when the service could not be reached.
 */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(detail || title);
    this.name = 'ApiError';
  }

  /** The messages of the field errors at `pointer` or below it (`/launchDate`, `/jobs/backorder/cron`). */
  at(pointer: string): string | undefined {
    const hits = this.errors.filter((e) => e.path === pointer || e.path.startsWith(`${pointer}/`));
    return hits.length ? hits.map((e) => e.message).join('; ') : undefined;
  }

  /** The route is not there (the service predates it): a 404 about the route rather than about a resource. */
  get missingRoute(): boolean {
    return this.status === 404 && /\bno route\b/i.test(this.detail);
  }
}

interface Answer<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

function problemOf(status: number, body: unknown, fallback: string): ApiError {
  if (body && typeof body === 'object') {
    const p = body as { title?: unknown; detail?: unknown; errors?: unknown };
    const errors = Array.isArray(p.errors)
      ? p.errors.filter((e): e is FieldError => !!e && typeof e.path === 'string' && typeof e.message === 'string')
      : [];
    return new ApiError(status, String(p.title ?? fallback), String(p.detail ?? p.title ?? fallback), errors);
  }
  return new ApiError(status, fallback, typeof body === 'string' && body ? body.slice(0, 300) : fallback);
}

/** The answer's data, or an ApiError for any non-2xx answer or a network failure. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(0, 'Cannot reach the service', `The service did not answer (${(error as Error).message}). Is it running?`);
  }
  if (answer.error !== undefined || !answer.response.ok) {
    throw problemOf(answer.response.status, answer.error, `${answer.response.status} ${answer.response.statusText}`);
  }
  return answer.data as T;
}

/** One line for an error of any kind. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.errors.length ? ` ${error.errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ')}` : '';
    return error.errors.length && error.detail.includes(error.errors[0]!.message) ? error.detail : `${error.detail}${fields}`;
  }
  return error instanceof Error ? error.message : String(error);
}
