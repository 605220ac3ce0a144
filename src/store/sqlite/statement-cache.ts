/**
 * Prepared statements by SQL text, for the one SQLite connection of a process (Kysely would prepare on every query
 * otherwise). Least recently used statements go first once the cache is full.
 *
 * A hit only stamps its entry. Keeping the map itself in use order (delete, then set again) rehashed its table every
 * few hundred hits, and each new table outlived the young generation: with about six statements per ATP answer and
 * fifteen per order, the request thread copied tables into the old generation at every young-generation collection,
 * and only a full collection freed them (docs/performance-journal.md, "The ATP tail and the young generation").
 */
export class StatementCache<S> {
  private readonly entries = new Map<string, { statement: S; used: number }>();
  private uses = 0;

  constructor(
    private readonly prepare: (text: string) => S,
    private readonly capacity: number,
  ) {}

  get(text: string): S {
    const hit = this.entries.get(text);
    if (hit !== undefined) {
      hit.used = ++this.uses;
      return hit.statement;
    }
    const statement = this.prepare(text);
    if (this.entries.size >= this.capacity) this.evictLeastRecentlyUsed();
    this.entries.set(text, { statement, used: ++this.uses });
    return statement;
  }

  get size(): number {
    return this.entries.size;
  }

  /** A scan, once per miss on a full cache: a service uses about a hundred statements, so misses are rare. */
  private evictLeastRecentlyUsed(): void {
    let oldest: string | undefined;
    let oldestUse = Infinity;
    for (const [text, entry] of this.entries) {
      if (entry.used < oldestUse) {
        oldest = text;
        oldestUse = entry.used;
      }
    }
    if (oldest !== undefined) this.entries.delete(oldest);
  }
}
