import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_INSTANT, MIN_INSTANT, addDays, businessDateOf, daysLeft, fromDayNumber, isBusinessDate, isSupportedInstant, isTimeZone, toDayNumber } from './business-date.ts';

const ms = (iso: string) => Date.parse(iso);

describe('isBusinessDate', () => {
  it('accepts real calendar dates written YYYY-MM-DD, leap days included', () => {
    for (const d of ['2028-06-01', '2028-02-29', '2000-02-29', '1970-01-01', '2028-12-31', '9999-12-31']) expect(isBusinessDate(d), d).toBe(true);
  });

  it('rejects dates that do not exist', () => {
    for (const d of ['2028-02-30', '2027-02-29', '1900-02-29', '2028-04-31', '2028-13-01', '2028-00-10', '2028-06-00', '2028-06-32']) expect(isBusinessDate(d), d).toBe(false);
  });

  it('rejects other spellings', () => {
    for (const d of ['2028-6-1', '06/01/2028', '2028-06-01T00:00:00Z', ' 2028-06-01', '2028-06-01 ', '20280601', '', '+02028-06-01']) expect(isBusinessDate(d), d).toBe(false);
  });

  it('accepts every date of years 0001-9999 (0001-0099 too), not year 0000', () => {
    expect(isBusinessDate('0000-01-01')).toBe(false);
    expect(isBusinessDate('0001-01-01')).toBe(true);
    expect(isBusinessDate('0050-01-01')).toBe(true);
    expect(isBusinessDate('0099-12-31')).toBe(true);
    expect(isBusinessDate('0004-02-29')).toBe(true);
    expect(isBusinessDate('0001-02-29')).toBe(false);
  });
});

describe('day numbers', () => {
  it('day 0 is 1970-01-01', () => {
    expect(fromDayNumber(0)).toBe('1970-01-01');
    expect(toDayNumber('1970-01-02')).toBe(1);
    expect(toDayNumber('1969-12-31')).toBe(-1);
  });

  it('addDays crosses months, leap days and years', () => {
    expect(addDays('2028-06-01', 90)).toBe('2028-08-30');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2028-12-31', 1)).toBe('2029-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2028-06-01', 0)).toBe('2028-06-01');
  });

  const arbDay = fc.integer({ min: toDayNumber('0001-01-01'), max: toDayNumber('9999-12-31') });

  it('round-trips through YYYY-MM-DD, and every day it writes is a business date', () => {
    fc.assert(
      fc.property(arbDay, (n) => {
        const d = fromDayNumber(n);
        expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(isBusinessDate(d)).toBe(true);
        expect(toDayNumber(d)).toBe(n);
      }),
      { numRuns: 1000 },
    );
  });

  it('consecutive days are consecutive dates and string order is day order', () => {
    const arbInner = fc.integer({ min: toDayNumber('0003-01-01'), max: toDayNumber('9997-12-31') });
    fc.assert(
      fc.property(arbInner, fc.integer({ min: -400, max: 400 }), (n, k) => {
        const a = fromDayNumber(n);
        const b = addDays(a, k);
        expect(toDayNumber(b) - toDayNumber(a)).toBe(k);
        expect(b > a ? 1 : b < a ? -1 : 0).toBe(Math.sign(k));
        expect(addDays(b, -k)).toBe(a);
      }),
      { numRuns: 500 },
    );
  });
});

describe('businessDateOf (the calendar date of an instant in the business time zone)', () => {
  it('2028-06-01T02:00Z is 2028-05-31 in New York and 2028-06-01 in UTC', () => {
    expect(businessDateOf(ms('2028-06-01T02:00:00Z'), 'America/New_York')).toBe('2028-05-31');
    expect(businessDateOf(ms('2028-06-01T02:00:00Z'), 'UTC')).toBe('2028-06-01');
  });

  it('follows daylight saving (New York: UTC-4 in June, UTC-5 in January)', () => {
    expect(businessDateOf(ms('2028-06-01T03:59:59.999Z'), 'America/New_York')).toBe('2028-05-31');
    expect(businessDateOf(ms('2028-06-01T04:00:00Z'), 'America/New_York')).toBe('2028-06-01');
    expect(businessDateOf(ms('2028-01-15T04:30:00Z'), 'America/New_York')).toBe('2028-01-14');
    expect(businessDateOf(ms('2028-01-15T05:00:00Z'), 'America/New_York')).toBe('2028-01-15');
  });

  it('zones east of UTC are a day ahead near midnight UTC', () => {
    expect(businessDateOf(ms('2028-05-31T15:00:00Z'), 'Asia/Tokyo')).toBe('2028-06-01');
    expect(businessDateOf(ms('2028-05-31T14:59:59Z'), 'Asia/Tokyo')).toBe('2028-05-31');
    expect(businessDateOf(ms('2028-05-31T10:00:00Z'), 'Pacific/Kiritimati')).toBe('2028-06-01');
    expect(businessDateOf(ms('2028-06-01T10:59:00Z'), 'Pacific/Pago_Pago')).toBe('2028-05-31');
    expect(businessDateOf(ms('2028-12-31T23:30:00Z'), 'Europe/Berlin')).toBe('2029-01-01');
  });

  it('in a fixed-offset zone it is the UTC date of the instant shifted by the offset', () => {
    const arbInstant = fc.integer({ min: ms('1971-01-01T00:00:00Z'), max: ms('2200-01-01T00:00:00Z') });
    fc.assert(
      fc.property(arbInstant, fc.integer({ min: -12, max: 14 }), (t, hours) => {
        // IANA's Etc/GMT+5 is UTC-5 (the sign is inverted)
        const zone = hours === 0 ? 'Etc/UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
        const expected = new Date(t + hours * 3_600_000).toISOString().slice(0, 10);
        expect(businessDateOf(t, zone)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('isTimeZone', () => {
  it('accepts IANA names and rejects others', () => {
    for (const z of ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata']) expect(isTimeZone(z), z).toBe(true);
    for (const z of ['Mars/Olympus_Mons', 'America/Nowhere', 'not a zone', '']) expect(isTimeZone(z), z).toBe(false);
  });
});

describe('the ends of the calendar (0001-01-01..9999-12-31)', () => {
  const ZONES = ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Etc/GMT+12', 'Etc/GMT-14', 'Asia/Kolkata', 'America/St_Johns', 'Australia/Lord_Howe'];

  it('businessDateOf answers a real date for any instant of the JS range (or NaN) in any zone, and the exact date inside the supported range', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.constantFrom(-8.64e15, 8.64e15, Number.NaN)), fc.constantFrom(...ZONES), (t, zone) => {
        const d = businessDateOf(t, zone);
        expect(isBusinessDate(d), `${t} ${zone}: ${d}`).toBe(true);
        if (isSupportedInstant(t) && zone === 'UTC') expect(d).toBe(new Date(t).toISOString().slice(0, 10));
      }),
      { numRuns: 2000 },
    );
  });

  it('every supported instant has a date of years 0001-9999 in every zone', () => {
    for (const zone of ZONES) {
      for (const t of [MIN_INSTANT, MAX_INSTANT]) expect(isBusinessDate(businessDateOf(t, zone)), `${t} ${zone}`).toBe(true);
    }
    expect(businessDateOf(MAX_INSTANT, 'Pacific/Kiritimati')).toBe('9999-12-31');
    expect(businessDateOf(MIN_INSTANT, 'Etc/GMT+12')).toBe('0001-01-01');
    expect(isSupportedInstant(Date.parse('9999-12-31T00:00:00Z'))).toBe(false);
    expect(isSupportedInstant(Date.parse('0001-01-01T23:59:59.999Z'))).toBe(false);
  });

  it('addDays saturates at 0001-01-01 and 9999-12-31 instead of writing +010000-01-01', () => {
    expect(addDays('9999-12-31', 1)).toBe('9999-12-31');
    expect(addDays('9999-12-30', 365)).toBe('9999-12-31');
    expect(addDays('0001-01-01', -1)).toBe('0001-01-01');
    fc.assert(
      fc.property(fc.integer({ min: toDayNumber('0001-01-01'), max: toDayNumber('9999-12-31') }), fc.integer({ min: -1e7, max: 1e7 }), (day, k) => {
        expect(isBusinessDate(addDays(fromDayNumber(day), k))).toBe(true);
      }),
      { numRuns: 1000 },
    );
    expect(daysLeft('9999-12-31')).toBe(0);
    expect(daysLeft('9999-12-01')).toBe(30);
  });
});
