/**
 * The SQLite connection's prepared statements (src/store/sqlite/statement-cache.ts): one prepare per SQL text while
 * it stays cached, and the least recently used text leaves first when the cache is full.
 */
import { describe, expect, it } from 'vitest';
import { StatementCache } from '../../src/store/sqlite/statement-cache.ts';

/** A cache over a fake prepare that counts how often each text was prepared. */
function counting(capacity: number) {
  const prepared = new Map<string, number>();
  const cache = new StatementCache((text) => {
    prepared.set(text, (prepared.get(text) ?? 0) + 1);
    return { text };
  }, capacity);
  return { cache, prepared };
}

describe('the statement cache', () => {
  it('prepares a text once and answers the same statement on every hit', () => {
    const { cache, prepared } = counting(3);
    const first = cache.get('select 1');
    for (let i = 0; i < 1_000; i++) expect(cache.get('select 1')).toBe(first);
    expect(prepared.get('select 1')).toBe(1);
    expect(cache.size).toBe(1);
  });

  it('when full, evicts the text used least recently, not the one inserted first', () => {
    const { cache, prepared } = counting(3);
    cache.get('a');
    cache.get('b');
    cache.get('c');
    cache.get('a'); // a is now the most recently used; b the least
    cache.get('d'); // evicts b
    expect(cache.size).toBe(3);
    cache.get('a');
    cache.get('c');
    cache.get('d');
    expect([prepared.get('a'), prepared.get('c'), prepared.get('d')]).toEqual([1, 1, 1]);
    cache.get('b'); // prepared again, and evicts a (used before c and d)
    expect(prepared.get('b')).toBe(2);
    cache.get('c');
    cache.get('d');
    expect([prepared.get('c'), prepared.get('d')]).toEqual([1, 1]);
    cache.get('a');
    expect(prepared.get('a')).toBe(2);
  });

  it('never holds more than its capacity, and keeps the hot texts through a stream of one-off ones', () => {
    const { cache, prepared } = counting(50);
    for (let i = 0; i < 10_000; i++) {
      cache.get('hot');
      cache.get(`once ${i}`);
      expect(cache.size).toBeLessThanOrEqual(50);
    }
    expect(prepared.get('hot')).toBe(1);
    expect(prepared.size).toBe(10_001);
  });
});
