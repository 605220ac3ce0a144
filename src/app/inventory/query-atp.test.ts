/**
 * The hot read's text is written by hand (`dayJson`, `queryAtpJson`): a day row must be exactly what
 * `JSON.stringify` writes for it, for any number (integers, fractions, -0, infinities, NaN) and date.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dayJson } from './query-atp.ts';

const date = fc.date({ min: new Date('2000-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe('a day row written by hand', () => {
  it('is what JSON.stringify writes for the same row', () => {
    fc.assert(
      fc.property(date, fc.double(), fc.double(), fc.integer(), fc.constantFrom(0, -0, 1e21, -7, Number.NaN, Number.POSITIVE_INFINITY), (d, supply, demand, projected, atp) => {
        expect(dayJson(d, supply, demand, projected, atp)).toBe(JSON.stringify({ date: d, supply, demand, projected, atp }));
      }),
      { numRuns: 2_000 },
    );
  });
});
