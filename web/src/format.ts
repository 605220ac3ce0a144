/** How values read on screen: status reasons in words, business dates and instants, counts. */
import type { StatusReason } from './api/types.ts';

// Keyed by the service's own type, so a reason it adds or drops is a compile error here.
const REASON_LABEL: Readonly<Record<string, string>> = {
  New: 'New',
  PreorderHold: 'Preorder Hold',
  BackorderHold: 'Backorder Hold',
  AwaitingFulfillment: 'Awaiting Fulfillment',
  Shipped: 'Shipped',
  CanceledByRequest: 'Canceled by request',
  BackorderSlaExpired: 'Backorder SLA expired',
  OutOfStock: 'Out of stock',
} satisfies Record<StatusReason, string>;
/** Every status reason in the order the filter offers them: the keys of the labels above. */
export const STATUS_REASONS = Object.keys(REASON_LABEL) as readonly StatusReason[];

const REASON_COLOR: Readonly<Record<string, string>> = {
  New: 'gray',
  PreorderHold: 'grape',
  BackorderHold: 'orange',
  AwaitingFulfillment: 'blue',
  Shipped: 'teal',
  CanceledByRequest: 'red',
  BackorderSlaExpired: 'red',
  OutOfStock: 'red',
} satisfies Record<StatusReason, string>;
const STATE_LABEL: Record<string, string> = {
  Open: 'Open',
  OnHold: 'On Hold',
  InFulfillment: 'In Fulfillment',
  Fulfilled: 'Fulfilled',
  Canceled: 'Canceled',
};

export const reasonLabel = (reason: string) => REASON_LABEL[reason] ?? reason;
export const reasonColor = (reason: string) => REASON_COLOR[reason] ?? 'gray';
export const stateLabel = (state: string) => STATE_LABEL[state] ?? state;

/** Lines that a cancel by request may still stop (SPEC 1: the allowed moves to CanceledByRequest). */
export const CANCELABLE: ReadonlySet<string> = new Set(['PreorderHold', 'BackorderHold', 'AwaitingFulfillment'] satisfies StatusReason[]);

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
// Instants carry their zone's name: they are in the browser's time zone, while business dates (formatDate) are the
// service's days, so a time next to a date says which clock it is on.
const instantFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
const numberFormat = new Intl.NumberFormat('en-US');

/** A business date (YYYY-MM-DD) as "12 Jun 2028"; a dash for none. */
export function formatDate(ymd: string | null | undefined): string {
  if (!ymd) return '—';
  const ms = Date.parse(`${ymd}T00:00:00Z`);
  return Number.isNaN(ms) ? ymd : dateFormat.format(ms);
}

const shortInstantFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** An instant in the browser's time zone without its year or seconds, for dense tables ("30 Nov, 03:46"; the full one as its title). */
export function formatShortInstant(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : shortInstantFormat.format(ms);
}

/** An instant in the browser's time zone, with the zone's name ("5 Dec 2026, 12:24:56 CET"). */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : instantFormat.format(ms);
}

export const formatNumber = (n: number | null | undefined) => (n === null || n === undefined ? '—' : numberFormat.format(n));

/** "1 line", "2 lines": a count with its noun (the plural by an s). */
export const counted = (n: number, noun: string) => `${formatNumber(n)} ${n === 1 ? noun : `${noun}s`}`;

/** "3 min 4 s" between two instants; "running" while the end is missing. */
export function formatDuration(startIso: string, endIso: string | null): string {
  if (!endIso) return 'running';
  const ms = Math.max(0, Date.parse(endIso) - Date.parse(startIso));
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export const JOB_LABEL: Record<string, string> = { backorder: 'Back-Order Job', preorder: 'Pre-Order Job' };
export const jobLabel = (jobType: string) => JOB_LABEL[jobType] ?? jobType;
