import { Ajv } from 'ajv';
import { isBusinessDate } from '../domain/calendar/business-date.ts';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * The validator for the contract schemas. Bodies get no coercion (a quantity of "2" is refused); text parts
 * (query strings, path parameters) are coerced and take their defaults. Every error is reported, not the first.
 */
export function makeAjv(forText: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, coerceTypes: forText, useDefaults: forText, removeAdditional: false, strict: false });
  ajv.addFormat('date', isBusinessDate);
  ajv.addFormat('date-time', (v: string) => ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v)));
  return ajv;
}
