/**
 * Errors as application/problem+json (RFC 9457): `type`, `title`, `status`, `detail` and, for bad input,
 * `errors: [{ path, message }]` with a JSON Pointer to each failing field. Bad input is never a 500, and no
 * framework error code or stack reaches a client.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { AppError, ERRORS, describeErrors } from '../app/errors.ts';
import type { ErrorCode, FieldError } from '../app/errors.ts';
import { fieldErrorsOf } from '../app/validation.ts';
import type { Timeouts } from '../config/config.ts';

export { fieldErrorsOf };

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
  reply.problemType = body.type;
  // RFC 9110: a 401 names the scheme that would be accepted.
  if (body.status === 401) reply.header('www-authenticate', 'Bearer realm="holdfast"');
  return reply.code(body.status).type('application/problem+json').send(body);
}

const WHERE: Record<string, 'body' | 'query parameter' | 'path parameter' | 'header'> = {
  body: 'body',
  querystring: 'query parameter',
  params: 'path parameter',
  headers: 'header',
};

/** A 415's detail: the type sent and the types the route takes. */
export function unsupportedTypeDetail(type: string | undefined, accepts: readonly string[]): string {
  const list = accepts.length === 1 ? accepts[0]! : `${accepts.slice(0, -1).join(', ')} or ${accepts[accepts.length - 1]}`;
  return `${type === undefined ? 'a body without a Content-Type' : `Content-Type ${type}`} is not accepted here; send ${list}`;
}

/** What Fastify's own errors mean, said as problems (the FST_ codes stay inside). */
function fastifyProblem(error: FastifyError, request: FastifyRequest): ProblemBody | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problemOf('unsupported_media_type', unsupportedTypeDetail(request.headers['content-type'], request.routeOptions.config?.accepts ?? ['application/json']));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problemOf('payload_too_large', `the body is larger than this route takes (${Math.round((request.routeOptions.bodyLimit ?? 1_048_576) / 1_048_576)} MiB)`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problemOf('validation', 'the Content-Length header does not match the body that was sent', [{ path: '', message: 'Content-Length does not match the body' }]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problemOf('validation', 'the body is empty; send a JSON document', [{ path: '', message: 'is empty' }]);
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_ERR_CTP_EMPTY_TYPE':
      return problemOf('validation', 'the Content-Type header is not a media type', [{ path: '', message: 'bad Content-Type' }]);
    default:
      return null;
  }
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) {
    if (error.code === 'payload_too_large') reply.header('connection', 'close');
    return sendProblem(reply, problemOf(error.code, error.detail, error.errors));
  }
  if (error.validation) {
    const where = WHERE[error.validationContext ?? 'body'] ?? 'body';
    const errors = fieldErrorsOf(error.validation as ErrorObject[]);
    return sendProblem(reply, problemOf('validation', describeErrors(errors, where), errors));
  }
  const known = fastifyProblem(error, request);
  if (known) return sendProblem(reply, known);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Some other refusal of the request by the framework: its message, never its code.
    const message = (error.message || http.STATUS_CODES[status] || 'request refused').replace(/^FST_\w+:?\s*/, '');
    const body = problemOf('validation', message, [{ path: '', message }]);
    return sendProblem(reply, { ...body, status, title: status === 400 ? body.title : (http.STATUS_CODES[status] ?? 'Request refused') });
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, { type: 'urn:holdfast:problem:internal', title: 'Internal error', status: 500, detail: 'the service failed; the error is logged' });
}

/** Errors of the router, before any route runs: a path that cannot be decoded, an absurdly long segment. */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblem(reply, problemOf('uri_too_long', 'a segment of the URL path is longer than 1000 characters'));
  if (error.code === 'FST_ERR_BAD_URL') {
    return sendProblem(reply, problemOf('validation', 'the URL path is not valid percent-encoded UTF-8', [{ path: '', message: 'bad percent-encoding in the URL path' }]));
  }
  return sendProblem(reply, problemOf('validation', 'the request could not be routed', [{ path: '', message: 'could not be routed' }]));
}

/**
 * Node's HTTP parser refused the request before Fastify saw it (a malformed request line, a raw non-UTF-8 byte,
 * headers over 16 KiB, a request that did not arrive in time): answered on the socket as a problem, then closed.
 */
export function writeRawProblem(error: Error & { code?: string }, socket: Socket, timeouts: Timeouts): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let body: ProblemBody;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    body = problemOf('request_timeout', `the request did not arrive in time (headers within ${seconds(timeouts.headersMs)}, the whole request within ${seconds(timeouts.requestMs)})`);
  } else if (error.code === 'HPE_HEADER_OVERFLOW') {
    body = problemOf('headers_too_large', 'the request headers are larger than 16 KiB');
  } else {
    body = problemOf('validation', 'the request is not well-formed HTTP/1.1 (a bad request line, header or byte)', [{ path: '', message: 'malformed HTTP request' }]);
  }
  // As Node itself does: answer only when no answer to this request has started.
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !pending?.headersSent) {
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${body.status} ${http.STATUS_CODES[body.status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}

const seconds = (ms: number) => (ms <= 0 ? 'no limit' : `${ms / 1000} s`);
