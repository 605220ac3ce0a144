/**
 * What a scenario reports: figures (a measure over the runs, with the bar it must meet) in sections, one per
 * scenario and database. The report judges a bar on the median of the runs, and a bar that counts failures on every
 * run (one bad run is a failure). A figure with a bar fails when a run gave it no value (a failed measurement).
 */
import { summary } from './stats.mjs';

/**
 * @typedef {{ text: string, ok: (value: number) => boolean, every?: boolean }} Bar  every: judged on each run, not the median
 * @typedef {{ label: string, unit: string, samples: number[], missing: number, digits: number, bar: Bar | null, note?: string }} Figure
 *   missing: runs whose value was not a number (NaN, Infinity: a measurement that failed)
 * @typedef {object} Section
 * @property {string} id          the scenario
 * @property {string} title
 * @property {'sqlite' | 'postgres'} db
 * @property {string} method      how it was measured (markdown)
 * @property {Figure[]} figures
 * @property {string[]} [tables]  more markdown (per connection count, per run...)
 * @property {string[]} [notes]   what went wrong or looks off
 * @property {Record<string, unknown>} [data]  what charts are drawn from
 */

/** @returns {Figure} */
export function figure(label, unit, samples, o = {}) {
  const finite = samples.filter((x) => Number.isFinite(x));
  return { label, unit, samples: finite, missing: samples.length - finite.length, digits: o.digits ?? 1, bar: o.bar ?? null, note: o.note };
}

export const atLeast = (value, text = `>= ${value}`) => ({ text, ok: (v) => v >= value });
export const below = (value, text = `< ${value}`) => ({ text, ok: (v) => v < value });
/** A count that must be `value` in every run (failed requests, failed records): judged on each run. */
export const exactly = (value, text = `${value} in every run`) => ({ text, ok: (v) => v === value, every: true });

/**
 * The verdict of a figure's bar: true or false, null when it has no bar. A bar fails when a run gave no value or
 * none did; an `every` bar is judged on each run, any other on the median.
 */
export function verdict(f) {
  if (!f.bar) return null;
  if (f.samples.length === 0 || f.missing > 0) return false;
  return f.bar.every ? f.samples.every((x) => f.bar.ok(x)) : f.bar.ok(summary(f.samples).median);
}

export const MiB = 1024 * 1024;
