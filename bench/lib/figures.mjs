/**
 * What a scenario reports: figures (a measure over the runs, with the bar it must meet) in sections, one per
 * scenario and database. The report judges each bar on the median of the runs.
 */
import { summary } from './stats.mjs';

/**
 * @typedef {{ text: string, ok: (value: number) => boolean }} Bar
 * @typedef {{ label: string, unit: string, samples: number[], digits: number, bar: Bar | null, note?: string }} Figure
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
  return { label, unit, samples: samples.filter((x) => Number.isFinite(x)), digits: o.digits ?? 1, bar: o.bar ?? null, note: o.note };
}

export const atLeast = (value, text = `>= ${value}`) => ({ text, ok: (v) => v >= value });
export const below = (value, text = `< ${value}`) => ({ text, ok: (v) => v < value });
export const exactly = (value, text = `${value}`) => ({ text, ok: (v) => v === value });

/** The verdict of a figure's bar on its median: true, false, or null when it has no bar or no samples. */
export function verdict(f) {
  if (!f.bar || f.samples.length === 0) return null;
  return f.bar.ok(summary(f.samples).median);
}

export const MiB = 1024 * 1024;
