/**
 * The configuration intake reads on every order (settings, policy, locations) is read once a transaction: the orders
 * of one group commit share it, even when another connection commits a change meanwhile (PostgreSQL). The next
 * transaction sees the change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { configSnapshot } from '../../src/app/settings/config-snapshot.ts';
import { T0 } from '../jobs/job-helpers.ts';

describe.each(DATABASE_KINDS)('the configuration intake reads, on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('is read once a transaction; a change is seen by the next transaction', async () => {
    t = await startTestService(kind, { now: T0 });
    const { ctx, database } = t.service;
    const backorders = (on: boolean) => t!.api('PATCH', '/api/settings', { backorders: on });
    expect((await backorders(true)).status).toBe(200);

    await database.transaction(async (trx) => {
      const first = await configSnapshot(ctx, trx);
      expect(first.settings.backorders).toBe(true);
      // On PostgreSQL another connection commits a change while the transaction is open; each statement of the
      // transaction would see it. (SQLite has one connection: the change waits for the transaction.)
      if (kind === 'postgres') expect((await backorders(false)).status).toBe(200);
      const second = await configSnapshot(ctx, trx);
      expect(second, 'the same snapshot within one transaction').toBe(first);
      expect(second.settings.backorders).toBe(true);
    });
    if (kind === 'sqlite') expect((await backorders(false)).status).toBe(200);

    const next = await database.transaction((trx) => configSnapshot(ctx, trx));
    expect(next.settings.backorders, 'the next transaction sees the change').toBe(false);
    const unchanged = await database.transaction((trx) => configSnapshot(ctx, trx));
    expect(unchanged, 'no change: the snapshot kept in memory').toBe(next);
  });
});
