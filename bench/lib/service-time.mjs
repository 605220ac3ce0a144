/**
 * How long a route's answers took inside the service, from `holdfast_http_request_duration_seconds` on
 * `GET /metrics` (onRequest to the response written). A load's share comes from two readings, before and after:
 * beside wrk's latency (the client's), it says how much of a tail is the service and how much the machine.
 */
import { request } from './processes.mjs';

const BUCKET = /^holdfast_http_request_duration_seconds_bucket\{([^}]*)\} (\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/**
 * The cumulative bucket counts of one route's answers in a metrics text: [upper bound in seconds, count][], in bound
 * order, `+Inf` last.
 * @param {string} text
 * @param {{ method: string, route: string, status: number }} of
 * @returns {[number, number][]}
 */
export function routeBuckets(text, of) {
  const buckets = [];
  for (const line of text.split('\n')) {
    const m = BUCKET.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1].matchAll(LABEL)].map((l) => [l[1], l[2]]));
    if (labels.method !== of.method || labels.route !== of.route || labels.status_code !== String(of.status)) continue;
    buckets.push([labels.le === '+Inf' ? Infinity : Number(labels.le), Number(m[2])]);
  }
  return buckets.sort((a, b) => a[0] - b[0]);
}

/** What was answered between two readings of the same buckets (a route not answered yet has none). */
export function bucketsSince(before, after) {
  const was = new Map(before);
  return after.map(([le, n]) => [le, n - (was.get(le) ?? 0)]);
}

/**
 * A load's service times: how many answers, the share answered within `withinSeconds` (which must be a bucket
 * bound), and the smallest bound that holds the 99th percentile (p99 is at most that).
 * @param {[number, number][]} buckets  cumulative, from bucketsSince
 */
export function serviceTimes(buckets, withinSeconds) {
  const total = buckets.at(-1)?.[1] ?? 0;
  const within = buckets.find(([le]) => le === withinSeconds);
  if (!within) throw new Error(`no bucket bound at ${withinSeconds} s in the duration histogram (bounds: ${buckets.map(([le]) => le).join(', ')})`);
  const p99 = buckets.find(([, n]) => n >= 0.99 * total)?.[0] ?? Infinity;
  return { answers: total, withinShare: total === 0 ? NaN : within[1] / total, p99AtMostSeconds: total === 0 ? NaN : p99 };
}

/** Reads a server's buckets for one route now. */
export async function readRouteBuckets(serverUrl, of) {
  const r = await request('GET', `${serverUrl}/metrics`, { key: null });
  if (r.status !== 200 || typeof r.body !== 'string') throw new Error(`GET ${serverUrl}/metrics answered ${r.status}`);
  return routeBuckets(r.body, of);
}

/**
 * Runs `load` on a server and reads what it added to one route's buckets: the load's own result, and its answers'
 * service times as `serviceTimes` gives them.
 * @template T
 * @param {string} serverUrl
 * @param {{ method: string, route: string, status: number }} of
 * @param {number} withinSeconds  a bucket bound
 * @param {() => Promise<T>} load
 * @returns {Promise<{ result: T, service: ReturnType<typeof serviceTimes> }>}
 */
export async function measureServiceTimes(serverUrl, of, withinSeconds, load) {
  const before = await readRouteBuckets(serverUrl, of);
  const result = await load();
  const after = await readRouteBuckets(serverUrl, of);
  return { result, service: serviceTimes(bucketsSince(before, after), withinSeconds) };
}
