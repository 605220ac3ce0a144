/**
 * Business dates: calendar days (`YYYY-MM-DD`) in the business time zone. Internally a date is a day number
 * (days since 1970-01-01), which makes "day t of the horizon" plain integer arithmetic.
 *
 * Dates live in years 0001-9999 (what `YYYY-MM-DD` can write): arithmetic saturates at 0001-01-01 and
 * 9999-12-31 instead of writing `+010000-01-01`, and the service's clock is kept to instants whose date is
 * inside that range in every time zone (`isSupportedInstant`), so horizons are cut at 9999-12-31 (`daysLeft`).
 */
export type BusinessDate = string;

const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export const MIN_DATE: BusinessDate = '0001-01-01';
export const MAX_DATE: BusinessDate = '9999-12-31';
const MIN_DAY = Math.floor(Date.parse(`${MIN_DATE}T00:00:00Z`) / MS_PER_DAY);
const MAX_DAY = Math.floor(Date.parse(`${MAX_DATE}T00:00:00Z`) / MS_PER_DAY);

/**
 * The instants the service's clock may take: one day inside the date range at each end, so that the date in
 * any time zone (UTC-12 to UTC+14) is still a date of years 0001-9999.
 */
export const MIN_INSTANT = (MIN_DAY + 1) * MS_PER_DAY;
export const MAX_INSTANT = MAX_DAY * MS_PER_DAY - 1;

export function isSupportedInstant(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_INSTANT && ms <= MAX_INSTANT;
}

/** True for a real calendar date of years 0001-9999 written `YYYY-MM-DD` (no 2028-02-30). */
export function isBusinessDate(value: string): boolean {
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1) return false;
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  const back = new Date(0);
  back.setUTCFullYear(y, mo - 1, d);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d;
}

export function toDayNumber(date: BusinessDate): number {
  let day = parsed.get(date);
  if (day === undefined) {
    day = Math.floor(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(date, day);
  }
  return day;
}

/** Day numbers already parsed, by date (the other way round from `written` below). */
const parsed = new Map<BusinessDate, number>();

/** Dates already written, by day number: a job run writes the same few hundred dates a million times. */
const written = new Map<number, BusinessDate>();

/** The date of a day number, saturating at 0001-01-01 and 9999-12-31. */
export function fromDayNumber(day: number): BusinessDate {
  const clamped = day < MIN_DAY ? MIN_DAY : day > MAX_DAY ? MAX_DAY : day;
  let date = written.get(clamped);
  if (date === undefined) {
    date = new Date(clamped * MS_PER_DAY).toISOString().slice(0, 10);
    if (written.size > 10_000) written.clear();
    written.set(clamped, date);
  }
  return date;
}

/** `date` plus `days` (negative goes back), saturating at 0001-01-01 and 9999-12-31. */
export function addDays(date: BusinessDate, days: number): BusinessDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** How many days follow `date` up to 9999-12-31: no horizon reaches past it. */
export function daysLeft(date: BusinessDate): number {
  return Math.max(0, MAX_DAY - toDayNumber(date));
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset', year: 'numeric' });
    offsetFormatters.set(timeZone, f);
  }
  return f;
}

const MS_PER_SECOND = 1_000;
/** The last answer per time zone, by second: every offset (historic local mean times included) is whole seconds. */
const lastByZone = new Map<string, { second: number; date: BusinessDate }>();

/** The time zone's offset from UTC at an instant, in milliseconds (`GMT+05:30` is 19,800,000). */
function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const name = offsetFormatter(timeZone).formatToParts(new Date(instantMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT(?:([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/.exec(name);
  if (!m || !m[1]) return 0;
  const ms = ((Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000;
  return m[1] === '-' ? -ms : ms;
}

/**
 * The calendar date of `instantMs` in `timeZone` (an IANA name): the UTC date of the instant shifted by the
 * zone's offset at that instant. Instants outside the supported range count as its ends.
 */
export function businessDateOf(instantMs: number, timeZone: string): BusinessDate {
  const t = Number.isNaN(instantMs) ? MIN_INSTANT : Math.min(MAX_INSTANT, Math.max(MIN_INSTANT, instantMs));
  const second = Math.floor(t / MS_PER_SECOND);
  const last = lastByZone.get(timeZone);
  if (last?.second === second) return last.date;
  const date = fromDayNumber(Math.floor((t + zoneOffsetMs(t, timeZone)) / MS_PER_DAY));
  if (lastByZone.size > 100) lastByZone.clear();
  lastByZone.set(timeZone, { second, date });
  return date;
}

export function isTimeZone(name: string): boolean {
  try {
    offsetFormatter(name);
    return true;
  } catch {
    return false;
  }
}
