/**
 * ATP kept in memory (src/store/atp-memory.ts), over a source of its own: an answer comes from memory only when no
 * change of its sku (or of all) was told since the read that filled it began, while the source says changes are
 * heard, for the same window and settings, and while the entry is younger than its bound; the background pass fills
 * and renews entries by the chunk, and keeps nothing a change overtook.
 */
import { describe, expect, it } from 'vitest';
import { AtpMemory } from '../../src/store/atp-memory.ts';
import type { AtpMemoryOptions, AtpSource, AtpWindow } from '../../src/store/atp-memory.ts';
import type { AtpRows, SupplyRows } from '../../src/store/dialect/store-dialect.ts';

const WINDOW: AtpWindow = { after: '2026-12-01', until: '2027-03-02' };
const KEY = 'settings';

/** A world of skus with an on-hand count each, read through counted calls; reads may be held open. */
function world(skus: string[]) {
  const onHand = new Map(skus.map((sku, i) => [sku, 10 + i]));
  const state = { usable: true, now: 0, reads: 0, supplyCalls: [] as string[][], hold: null as Promise<void> | null };
  const supplyOf = (sku: string): SupplyRows => ({
    stock: onHand.has(sku) ? [{ sku, locationId: 'EAST', onHand: onHand.get(sku)!, reserved: 0 }] : [],
    scheduled: [],
    promised: [],
  });
  const rowsOf = (sku: string): AtpRows => ({
    productExists: onHand.has(sku),
    locations: [{ id: 'EAST', priority: 1, active: true }],
    settings: '{"horizonDays":91}',
    supply: supplyOf(sku),
  });
  const source: AtpSource = {
    usable: () => state.usable,
    async skus(after, limit) {
      return [...onHand.keys()].sort().filter((s) => s > after).slice(0, limit);
    },
    async supply(list) {
      state.supplyCalls.push([...list]);
      const rows = new Map(list.map((sku) => [sku, supplyOf(sku)]));
      if (state.hold) await state.hold;
      return rows;
    },
    now: () => state.now,
  };
  /** What the database answers now (counted), waiting for `hold` when set. */
  const read = (sku: string) => async () => {
    state.reads++;
    const rows = rowsOf(sku);
    if (state.hold) await state.hold;
    return rows;
  };
  return { onHand, state, source, read };
}

const onHandOf = (rows: AtpRows) => rows.supply.stock[0]?.onHand;

/** Runs `test` on a memory over `source` with no passes of its own (tests run `refresh`), and closes it. */
async function withMemory(source: AtpSource, options: AtpMemoryOptions, test: (memory: AtpMemory) => Promise<void>): Promise<void> {
  const memory = new AtpMemory(source, { ...options, background: false });
  try {
    await test(memory);
  } finally {
    await memory.close();
  }
}

describe('ATP kept in memory', () => {
  it('answers a sku from memory once read, and reads it again after a change of it (others stay)', async () => {
    const w = world(['A', 'B']);
    await withMemory(w.source, {}, async (memory) => {
      expect(onHandOf(await memory.rows('A', WINDOW, KEY, w.read('A')))).toBe(10);
      await memory.rows('B', WINDOW, KEY, w.read('B'));
      expect(w.state.reads).toBe(2);
      w.onHand.set('A', 3);
      // Not told yet: memory answers what it read.
      expect(onHandOf(await memory.rows('A', WINDOW, KEY, w.read('A')))).toBe(10);
      expect(w.state.reads).toBe(2);
      memory.changed({ all: false, skus: new Set(['A']) });
      expect(onHandOf(await memory.rows('A', WINDOW, KEY, w.read('A')))).toBe(3);
      expect(w.state.reads).toBe(3);
      await memory.rows('B', WINDOW, KEY, w.read('B'));
      expect(w.state.reads).toBe(3);
      expect(memory.stats()).toMatchObject({ fromMemory: 2, read: 3 });
    });
  });

  it('answers a read its sku changed under, but does not keep it', async () => {
    const w = world(['A']);
    await withMemory(w.source, {}, async (memory) => {
      let release!: () => void;
      w.state.hold = new Promise((r) => (release = r));
      const inFlight = memory.rows('A', WINDOW, KEY, w.read('A'));
      await new Promise((r) => setImmediate(r));
      w.onHand.set('A', 1);
      memory.changed({ all: false, skus: new Set(['A']) });
      release();
      w.state.hold = null;
      expect(onHandOf(await inFlight)).toBe(10);
      expect(onHandOf(await memory.rows('A', WINDOW, KEY, w.read('A')))).toBe(1);
      expect(w.state.reads).toBe(2);
    });
  });

  it('forgets everything, the shared locations and settings too, on a change of all', async () => {
    const w = world(['A', 'B']);
    await withMemory(w.source, {}, async (memory) => {
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      await memory.rows('B', WINDOW, KEY, w.read('B'));
      memory.changed({ all: true });
      expect(memory.stats().kept).toBe(0);
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      await memory.rows('B', WINDOW, KEY, w.read('B'));
      expect(w.state.reads).toBe(4);
    });
  });

  it('reads every answer while changes elsewhere are not heard', async () => {
    const w = world(['A']);
    await withMemory(w.source, {}, async (memory) => {
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      w.state.usable = false;
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      expect(w.state.reads).toBe(3);
      w.state.usable = true;
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      expect(w.state.reads).toBe(3);
    });
  });

  it('reads again for another window or settings document, for an entry past its age, and for a product that does not exist', async () => {
    const w = world(['A']);
    await withMemory(w.source, { maxAgeMs: 1_000 }, async (memory) => {
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      await memory.rows('A', { ...WINDOW, until: '2027-03-03' }, KEY, w.read('A'));
      expect(w.state.reads).toBe(2);
      await memory.rows('A', WINDOW, 'other', w.read('A'));
      expect(w.state.reads).toBe(3);
      // The last read kept its window and key; the first's are asked again: read.
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      expect(w.state.reads).toBe(4);
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      expect(w.state.reads).toBe(4);
      w.state.now = 999;
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      expect(w.state.reads).toBe(4);
      w.state.now = 1_000;
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      expect(w.state.reads).toBe(5);
      for (let i = 0; i < 2; i++) expect((await memory.rows('NONE', WINDOW, KEY, w.read('NONE'))).productExists).toBe(false);
      expect(w.state.reads).toBe(7);
    });
  });

  it('fills every sku in chunks in the background pass, renews those past half their age, and keeps none a change overtook', async () => {
    const skus = Array.from({ length: 25 }, (_, i) => `S${String(i).padStart(2, '0')}`);
    const w = world(skus);
    await withMemory(w.source, { chunk: 10, maxAgeMs: 1_000 }, async (memory) => {
      // The first answer gives the window and settings the pass reads for.
      await memory.rows('S00', WINDOW, KEY, w.read('S00'));
      await memory.refresh();
      expect(memory.stats().kept).toBe(25);
      expect(w.state.supplyCalls.every((c) => c.length <= 10)).toBe(true);
      const readsBefore = w.state.reads;
      for (const sku of skus) expect(onHandOf(await memory.rows(sku, WINDOW, KEY, w.read(sku)))).toBe(w.onHand.get(sku));
      expect(w.state.reads).toBe(readsBefore);

      // Nothing is due before half the age.
      w.state.supplyCalls.length = 0;
      await memory.refresh();
      expect(w.state.supplyCalls).toEqual([]);

      // Past half its age every entry is read again; S05 changes while its chunk is read: it is not kept.
      w.state.now = 500;
      let release!: () => void;
      w.state.hold = new Promise((r) => (release = r));
      const pass = memory.refresh();
      await new Promise((r) => setTimeout(r, 5));
      memory.changed({ all: false, skus: new Set(['S05']) });
      release();
      w.state.hold = null;
      await pass;
      expect(w.state.supplyCalls.flat().sort()).toEqual(skus);
      expect(memory.stats().kept).toBe(24);
      const reads = w.state.reads;
      await memory.rows('S05', WINDOW, KEY, w.read('S05'));
      expect(w.state.reads).toBe(reads + 1);
    });
  });

  it('keeps at most maxSkus skus, forgetting the one kept longest', async () => {
    const w = world(['A', 'B', 'C']);
    await withMemory(w.source, { maxSkus: 2 }, async (memory) => {
      for (const sku of ['A', 'B', 'C']) await memory.rows(sku, WINDOW, KEY, w.read(sku));
      expect(memory.stats().kept).toBe(2);
      await memory.rows('C', WINDOW, KEY, w.read('C'));
      await memory.rows('B', WINDOW, KEY, w.read('B'));
      expect(w.state.reads).toBe(3);
      await memory.rows('A', WINDOW, KEY, w.read('A'));
      expect(w.state.reads).toBe(4);
    });
  });
});
