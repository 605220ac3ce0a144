/**
 * Business dates: calendar days (`YYYY-MM-DD`) in the business time zone. Internally a date is a day number
 * (days since 1970-01-01), which makes "day t of the horizon" plain integer arithmetic.
 */
export type BusinessDate = string;

const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD` (no 2028-02-30). */
export function isBusinessDate(value: string): boolean {
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  const back = new Date(0);
  back.setUTCFullYear(y, mo - 1, d);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d;
}

export function toDayNumber(date: BusinessDate): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

/** Dates already written, by day number: a job run writes the same few hundred dates a million times. */
const written = new Map<number, BusinessDate>();

export function fromDayNumber(day: number): BusinessDate {
  let date = written.get(day);
  if (date === undefined) {
    date = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (written.size > 10_000) written.clear();
    written.set(day, date);
  }
  return date;
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return fromDayNumber(toDayNumber(date) + days);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

const MS_PER_SECOND = 1_000;
/** The last answer per time zone, by second: every offset (historic local mean times included) is whole seconds. */
const lastByZone = new Map<string, { second: number; date: BusinessDate }>();

/** The calendar date of `instantMs` in `timeZone` (an IANA name). */
export function businessDateOf(instantMs: number, timeZone: string): BusinessDate {
  const second = Math.floor(instantMs / MS_PER_SECOND);
  const last = lastByZone.get(timeZone);
  if (last?.second === second) return last.date;
  const parts = formatterFor(timeZone).formatToParts(new Date(instantMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  if (lastByZone.size > 100) lastByZone.clear();
  lastByZone.set(timeZone, { second, date });
  return date;
}

export function isTimeZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}
