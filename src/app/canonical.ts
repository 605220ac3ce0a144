import { hash } from 'node:crypto';

/** JSON with object keys sorted at every depth: equal requests give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Hex SHA-256 of a text. One call, no Hash object: a hashed key or order body per request leaves no native handle
 * for the garbage collector to finalize (each one made every young-generation pause of the ATP load longer).
 */
export const sha256 = (text: string) => hash('sha256', text, 'hex');
