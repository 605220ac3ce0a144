/**
 * Errors as application/problem+json (RFC 9457): `type`, `title`, `status`, `detail` and, for bad input,
 * `errors: [{ path, message }]` with a JSON Pointer to each failing field. Bad input is never a 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { AppError, ERRORS } from '../app/errors.ts';
import type { ErrorCode, FieldError } from '../app/errors.ts';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: readonly FieldError[];
}

export function problemOf(code: ErrorCode, detail: string, errors?: readonly FieldError[]): ProblemBody {
  const { status, title } = ERRORS[code];
  return { type: `urn:holdfast:problem:${code.replaceAll('_', '-')}`, title, status, detail, ...(errors ? { errors } : {}) };
}

export function sendProblem(reply: FastifyReply, body: ProblemBody): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body);
}

/** One ajv error as a field error: the pointer names the missing or unknown property itself. */
export function fieldErrorOf(e: ErrorObject, prefix = ''): FieldError {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return { path: `${prefix}${e.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
  if (e.keyword === 'additionalProperties') {
    return { path: `${prefix}${e.instancePath}/${String(params.additionalProperty)}`, message: `unknown field "${String(params.additionalProperty)}"` };
  }
  if (e.keyword === 'pattern' && String(params.pattern).includes('u0000')) return { path: `${prefix}${e.instancePath}`, message: 'must not contain NUL characters' };
  if (e.keyword === 'not') {
    const refused = (e.schema as { const?: unknown } | undefined)?.const;
    return { path: `${prefix}${e.instancePath}`, message: refused === undefined ? 'has a value that is not allowed here' : `must not be ${JSON.stringify(refused)}` };
  }
  if (e.keyword === 'format') return { path: `${prefix}${e.instancePath}`, message: `must be ${params.format === 'date' ? 'a date YYYY-MM-DD' : `a ${String(params.format)}`}` };
  return { path: `${prefix}${e.instancePath}`, message: e.message ?? 'is invalid' };
}

/** Field errors from ajv, one per path; a union's "must match a schema in anyOf" only when nothing better was said. */
export function fieldErrorsOf(errors: readonly ErrorObject[], prefix = ''): FieldError[] {
  const byPath = new Map<string, FieldError>();
  for (const e of errors) {
    const f = fieldErrorOf(e, prefix);
    const seen = byPath.get(f.path);
    if (!seen || (e.keyword !== 'anyOf' && seen.message.includes('anyOf'))) byPath.set(f.path, f);
  }
  return [...byPath.values()];
}

const CONTEXT_NAMES: Record<string, string> = { body: 'body', querystring: 'query parameter', params: 'path parameter', headers: 'header' };

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) return sendProblem(reply, problemOf(error.code, error.detail, error.errors));
  if (error.validation) {
    const where = CONTEXT_NAMES[error.validationContext ?? 'body'] ?? 'request';
    const errors = fieldErrorsOf(error.validation as ErrorObject[]);
    return sendProblem(reply, problemOf('validation', `invalid ${where}: ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`, errors));
  }
  const status = error.statusCode ?? 500;
  if (status === 413) return sendProblem(reply, problemOf('payload_too_large', error.message));
  if (status === 415) return sendProblem(reply, problemOf('unsupported_media_type', error.message));
  if (status >= 400 && status < 500) {
    const body = problemOf('validation', error.message, [{ path: '', message: error.message }]);
    return sendProblem(reply, { ...body, status, title: status === 400 ? body.title : 'Request refused' });
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, { type: 'urn:holdfast:problem:internal', title: 'Internal error', status: 500, detail: 'the service failed; the error is logged' });
}
