/**
 * ATP notices on PostgreSQL (src/store/notices.ts): after each commit a process tells the others which skus it
 * changed. Commits close together go out together, at most one batch per `NOTICE_INTERVAL_MS`, and no sku a commit
 * changed is left out.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { openDatabase } from '../../src/store/database.ts';
import type { Database } from '../../src/store/database.ts';
import { ATP_NOTICES } from '../../src/store/dialect/postgres.ts';
import { NOTICE_INTERVAL_MS } from '../../src/store/notices.ts';
import { PG_ADMIN_URL, scratchDatabase } from '../fixtures/databases.ts';
import type { ScratchDatabase } from '../fixtures/databases.ts';

const SEPARATOR = '\x1e';

describe.runIf(PG_ADMIN_URL)('ATP notices on postgres', () => {
  let scratch: ScratchDatabase;
  let writer: Database;
  let listener: pg.Client;
  const heard: { at: number; kind: string; skus: string[] }[] = [];

  beforeAll(async () => {
    scratch = await scratchDatabase('postgres');
    writer = openDatabase({ url: scratch.url });
    await writer.migrate();
    listener = new pg.Client({ connectionString: scratch.url });
    await listener.connect();
    listener.on('notification', (n) => {
      if (n.channel !== ATP_NOTICES) return;
      const [, kind = '', ...rest] = (n.payload ?? '').split(SEPARATOR);
      heard.push({ at: Date.now(), kind, skus: rest });
    });
    await listener.query(`listen ${ATP_NOTICES}`);
  });
  afterAll(async () => {
    await listener?.end();
    await writer?.close();
    await scratch?.drop();
  });

  it('sends the skus of commits in quick succession together, at most one batch per interval, none left out', async () => {
    // A first write opens the writer's notices connection (its start-up notice is not what is counted here).
    await writer.transaction((trx) => writer.lockSkus(trx, ['warm-up']));
    await vi.waitFor(() => expect(heard.some((h) => h.kind === 'skus' && h.skus.includes('warm-up'))).toBe(true), { timeout: 5_000, interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 2 * NOTICE_INTERVAL_MS));

    const from = heard.length;
    const skus = Array.from({ length: 40 }, (_, i) => `N-${String(i).padStart(2, '0')}`);
    const start = Date.now();
    for (const sku of skus) await writer.transaction((trx) => writer.lockSkus(trx, [sku]));
    await vi.waitFor(
      () => {
        const announced = new Set(heard.slice(from).flatMap((h) => h.skus));
        expect(skus.filter((sku) => !announced.has(sku))).toEqual([]);
      },
      { timeout: 5_000, interval: 5 },
    );
    const batches = heard.slice(from).filter((h) => h.kind === 'skus');
    // Batches go out at least the interval apart: in the time it all took, no more than that allows.
    expect(batches.length).toBeLessThanOrEqual(Math.floor((Date.now() - start) / NOTICE_INTERVAL_MS) + 1);
    expect(batches.flatMap((b) => b.skus).sort()).toEqual(skus);
  });
});
