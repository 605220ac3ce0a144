/** Summaries of repeated measurements. */

export const sorted = (xs) => [...xs].sort((a, b) => a - b);

/** The p-th percentile (0-100) by nearest rank; NaN for no samples. */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

/** The median (the mean of the two middle samples for an even count). */
export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summary(xs) {
  const s = sorted(xs);
  return { min: s[0] ?? NaN, median: median(s), max: s[s.length - 1] ?? NaN, n: s.length };
}
