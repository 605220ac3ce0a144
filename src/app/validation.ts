/**
 * Checking input against the contract schemas (TypeBox, compiled by ajv), and turning ajv's findings into field
 * errors a person can act on: "must be one of New, PreorderHold, ...", "must have at least 1 item", "must be
 * 1-64 characters of A-Z a-z 0-9 . _ -". The HTTP layer and the CLI's CSV import share it.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isBusinessDate } from '../domain/calendar/business-date.ts';
import { pointerSegment } from './errors.ts';
import type { FieldError } from './errors.ts';

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

/** An ISO-8601 instant whose date and time exist: 2026-02-30 or 24:00 is refused, not rolled over to the next day. */
export function isInstant(v: string): boolean {
  const m = ISO_INSTANT.exec(v);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  at.setUTCFullYear(year);
  const exists = at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day && at.getUTCHours() === hour && at.getUTCMinutes() === minute && at.getUTCSeconds() === second;
  return exists && Number(m[8] ?? 0) <= 23 && Number(m[9] ?? 0) <= 59 && !Number.isNaN(Date.parse(v));
}

/**
 * The validator for the contract schemas. Bodies get no coercion (a quantity of "2" is refused); text parts
 * (query strings, path parameters, CSV cells) are coerced and take their defaults. Every error is reported.
 */
export function makeAjv(forText: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, coerceTypes: forText, useDefaults: forText, removeAdditional: false, strict: false });
  ajv.addFormat('date', isBusinessDate);
  ajv.addFormat('date-time', isInstant);
  return ajv;
}

const DECIMAL_INTEGER = /^[+-]?\d+$/;

/**
 * A text part's validator (path parameters, query strings) that takes integers only as decimal digits and only
 * where they are exact: ajv's coercion reads "0x10", "1e2" and " 1" as numbers and rounds past 2^53, so an id
 * could name another row. The integer fields are checked as text first, then the schema as usual.
 */
export function strictIntegers(schema: unknown, validate: ValidateFunction): ValidateFunction {
  const properties = ((schema ?? {}) as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  const integers = Object.keys(properties).filter((k) => properties[k]!.type === 'integer');
  if (integers.length === 0) return validate;
  const checked = ((data: unknown) => {
    const found: ErrorObject[] = [];
    for (const k of integers) {
      const raw = (data as Record<string, unknown> | null)?.[k];
      if (typeof raw !== 'string') continue;
      const error = (message: string): ErrorObject => ({ keyword: 'decimalInteger', instancePath: `/${k}`, schemaPath: `#/properties/${k}`, params: {}, message });
      if (!DECIMAL_INTEGER.test(raw)) found.push(error('must be a whole number in decimal digits'));
      else if (!Number.isSafeInteger(Number(raw))) found.push(error(`must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`));
    }
    const valid = validate(data);
    const errors = [...found, ...(valid ? [] : (validate.errors ?? []))];
    checked.errors = errors.length ? errors : null;
    return errors.length === 0;
  }) as ValidateFunction;
  return checked;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const quoted = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The values a schema allows when it is a list of constants (a TypeBox union of literals, or an enum). */
function allowedValues(schema: unknown): unknown[] | null {
  if (schema === null || typeof schema !== 'object') return null;
  const s = schema as { anyOf?: unknown[]; enum?: unknown[]; const?: unknown };
  if (Array.isArray(s.enum)) return s.enum;
  if ('const' in s) return [s.const];
  if (Array.isArray(s.anyOf)) {
    const values: unknown[] = [];
    for (const branch of s.anyOf) {
      const v = allowedValues(branch);
      if (v === null) return null;
      values.push(...v);
    }
    return values;
  }
  return null;
}

/** One ajv finding as a sentence fragment ("must be at least 1"); the pointer names the field itself. */
export function fieldErrorOf(e: ErrorObject, prefix = ''): FieldError {
  const params = e.params as Record<string, unknown>;
  const path = `${prefix}${e.instancePath}`;
  const parent = (e.parentSchema ?? {}) as { description?: string };
  switch (e.keyword) {
    case 'required':
      return { path: `${path}${pointerSegment(String(params.missingProperty))}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${path}${pointerSegment(String(params.additionalProperty))}`, message: `unknown field "${String(params.additionalProperty)}"` };
    case 'type': {
      const types = String(params.type).split(',');
      return { path, message: `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}` };
    }
    case 'minimum':
    case 'exclusiveMinimum':
      return { path, message: `must be ${e.keyword === 'minimum' ? 'at least' : 'more than'} ${String(params.limit)}` };
    case 'maximum':
    case 'exclusiveMaximum':
      return { path, message: `must be ${e.keyword === 'maximum' ? 'at most' : 'less than'} ${String(params.limit)}` };
    case 'minLength':
      return { path, message: Number(params.limit) === 1 ? 'must not be empty' : `must be at least ${plural(Number(params.limit), 'character')}` };
    case 'maxLength':
      return { path, message: `must be at most ${plural(Number(params.limit), 'character')}` };
    case 'minItems':
      return { path, message: `must have at least ${plural(Number(params.limit), 'item')}` };
    case 'maxItems':
      return { path, message: `must have at most ${plural(Number(params.limit), 'item')}` };
    case 'pattern':
      if (String(params.pattern).includes('u0000')) return { path, message: String(params.pattern).includes('\\s') ? 'must not contain spaces or NUL characters' : 'must not contain NUL characters' };
      return { path, message: parent.description ? `must be ${parent.description}` : `must match ${String(params.pattern)}` };
    case 'format':
      if (params.format === 'date') return { path, message: 'must be a calendar date YYYY-MM-DD' };
      if (params.format === 'date-time') return { path, message: 'must be an ISO-8601 instant such as 2028-06-01T09:00:00Z' };
      return { path, message: `must be a ${String(params.format)}` };
    case 'const':
      return { path, message: `must be ${quoted(params.allowedValue)}` };
    case 'enum':
    case 'anyOf': {
      const values = allowedValues(e.keyword === 'enum' ? { enum: params.allowedValues } : e.parentSchema);
      if (values) return { path, message: `must be ${values.length === 1 ? quoted(values[0]) : `one of ${values.map(quoted).join(', ')}`}` };
      if (parent.description) return { path, message: `must be ${parent.description}` };
      return { path, message: 'has a value of none of the allowed kinds' };
    }
    case 'not': {
      const refused = (e.schema as { const?: unknown } | undefined)?.const;
      return { path, message: refused === undefined ? 'has a value that is not allowed here' : `must not be ${quoted(refused)}` };
    }
    case 'uniqueItems':
      return { path, message: 'must not repeat an item' };
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
}

/**
 * Field errors from ajv, one per path. A union reports each branch's failure and then its own: a list of
 * constants is said once ("must be one of ..."), a described union by its description ("must be no body, or
 * {}"), a value of none of the union's types by all of them ("must be a string or null"); any other union keeps
 * the first branch's plainer message (a string that is too long is told its length, not that it may be null).
 */
export function fieldErrorsOf(errors: readonly ErrorObject[], prefix = ''): FieldError[] {
  const byPath = new Map<string, { error: FieldError; fromUnion: boolean; final: boolean }>();
  errors.forEach((e, i) => {
    let error = fieldErrorOf(e, prefix);
    const seen = byPath.get(error.path);
    const constants = (e.keyword === 'anyOf' && allowedValues(e.parentSchema) !== null) || e.keyword === 'enum';
    const described = e.keyword === 'anyOf' && typeof (e.parentSchema as { description?: unknown } | undefined)?.description === 'string';
    const types = e.keyword === 'anyOf' && !constants && !described ? unionTypesMissed(errors.slice(0, i), e) : null;
    if (types) error = { path: error.path, message: `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}` };
    if (seen?.final) return;
    if (constants || described || types) byPath.set(error.path, { error, fromUnion: true, final: true });
    else if (!seen || (seen.fromUnion && e.keyword !== 'anyOf')) byPath.set(error.path, { error, fromUnion: e.keyword === 'anyOf', final: false });
  });
  return [...byPath.values()].map((v) => v.error);
}

/** The types of a union's branches when the value failed every branch on its type alone; else null. */
function unionTypesMissed(before: readonly ErrorObject[], union: ErrorObject): string[] | null {
  const branches = before.filter((b) => b.schemaPath.startsWith(`${union.schemaPath}/`));
  if (branches.length === 0 || branches.some((b) => b.keyword !== 'type' || b.instancePath !== union.instancePath)) return null;
  return [...new Set(branches.flatMap((b) => String((b.params as { type?: unknown }).type).split(',')))];
}
