/**
 * API keys over HTTP (SPEC section 7, issue 10.6): `GET /api/keys` lists the live keys with their labels and
 * lastUsedAt (never a key), `POST /api/keys` creates one (the key shown once), `DELETE /api/keys/{id}` revokes
 * it so that its very next request gets 401; lastUsedAt is written when a key is used, at most once a minute.
 * Admin only.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, expectProblem, expectStatus, walk } from '../fixtures/seed.ts';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/config.ts';
import { createService } from '../../src/service.ts';
import { revokeApiKey } from '../../src/store/repositories/keys.repository.ts';
import { gate } from '../fixtures/gate.ts';

const AT_T0 = new Date(T0).toISOString();

describe.each(DATABASE_KINDS)('API keys on %s', (kind) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a key with a label, shows it once, lists it without the key, and the key works at once', async () => {
    const created = await t.api('POST', '/api/keys', { role: 'viewer', label: 'dashboard on the wall' });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^key_/), role: 'viewer', label: 'dashboard on the wall', createdAt: AT_T0, lastUsedAt: null });
    expect(created.body.key).toMatch(/^hf_/);

    expectStatus(await t.api('GET', '/api/orders', undefined, { key: created.body.key }), 200);
    const list = await t.api('GET', '/api/keys');
    expectStatus(list, 200);
    const row = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(row).toEqual({ id: created.body.id, role: 'viewer', label: 'dashboard on the wall', createdAt: AT_T0, lastUsedAt: AT_T0 });
    expect(list.text).not.toContain(created.body.key);
    expect(list.text).not.toContain(ADMIN_KEY);
  });

  it('revokes a key: its next request gets 401 at once, it leaves the list, and a second revoke is a 404', async () => {
    const created = (await t.api('POST', '/api/keys', { role: 'operator', label: 'to revoke' })).body;
    // Used once, so the key sits in the authenticator's cache when it is revoked.
    expectStatus(await t.api('GET', '/api/jobs', undefined, { key: created.key }), 200);
    const revoked = await t.api('DELETE', `/api/keys/${created.id}`);
    expectStatus(revoked, 200);
    expect(revoked.body).toMatchObject({ id: created.id, role: 'operator', label: 'to revoke' });
    expectProblem(await t.api('GET', '/api/jobs', undefined, { key: created.key }), 401);
    const list = await t.api('GET', '/api/keys');
    expect(list.body.items.map((k: { id: string }) => k.id)).not.toContain(created.id);
    expectProblem(await t.api('DELETE', `/api/keys/${created.id}`), 404);
    expectProblem(await t.api('DELETE', '/api/keys/key_NOPE'), 404);
  });

  it('refuses at once a key that another process revoked, though this one remembered it', async () => {
    // A second service on the same database: another process, as `holdfast keys revoke` or a second `serve` is.
    // It remembers keys for ten minutes: within this test only a revoke it learns of can refuse one.
    const other = await createService(loadConfig({}, { databaseUrl: t.databaseUrl, manualClock: true, logLevel: 'silent' }), { dispatcher: false, keyMemoryMs: 600_000 });
    try {
      const call = (key: string) => other.app.inject({ method: 'GET', url: '/api/jobs', headers: { authorization: `Bearer ${key}` } });
      const created = (await t.api('POST', '/api/keys', { role: 'operator', label: 'revoked elsewhere' })).body;
      expect((await call(created.key)).statusCode).toBe(200);
      // On PostgreSQL the other service listens from its first request on: once its stamp holds still it hears
      // notices, and remembers keys meanwhile (before, it looked every key up, which would pass this test anyway).
      const stamp = () => other.ctx.database.keysStamp();
      await vi.waitFor(() => expect(stamp()).toBe(stamp()), { timeout: 10_000, interval: 20 });
      // Used again, so that it remembers both keys when this one revokes one.
      expect((await call(created.key)).statusCode).toBe(200);
      expect((await call(ADMIN_KEY)).statusCode).toBe(200);
      expectStatus(await t.api('DELETE', `/api/keys/${created.id}`), 200);
      if (kind === 'sqlite') {
        // The revoke's commit moved the file's data version: the very next request is refused.
        expect((await call(created.key)).statusCode).toBe(401);
      } else {
        // The other process hears of it by a notice sent at the commit, a moment after the DELETE is answered.
        await vi.waitFor(async () => expect((await call(created.key)).statusCode).toBe(401), { timeout: 10_000, interval: 5 });
      }
      // Another key the other service remembers stays usable: forgetting is not refusing.
      expect((await call(ADMIN_KEY)).statusCode).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('writes lastUsedAt when a key is used, at most once a minute', async () => {
    const created = (await t.api('POST', '/api/keys', { role: 'integration' })).body;
    expect(created.label).toBeNull();
    const lastUsed = async () => (await t.api('GET', '/api/keys?limit=500')).body.items.find((k: { id: string }) => k.id === created.id).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    expectStatus(await t.api('GET', '/api/orders', undefined, { key: created.key }), 200);
    await expect.poll(lastUsed, { timeout: 5000 }).toBe(AT_T0); // the write runs after the answer
    await t.setClock('2028-06-01T09:00:30Z');
    expectStatus(await t.api('GET', '/api/orders', undefined, { key: created.key }), 200);
    // The first use's write landed within the poll above; a second one, were it made, would land as fast.
    await new Promise((r) => setTimeout(r, 100));
    expect(await lastUsed(), 'not written again within a minute').toBe(AT_T0);
    // A minute on (the service's clock and the machine's, which spaces the writes), the next use is written. Every
    // value seen until then is kept: the use at 09:00:30 never shows.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    try {
      await t.setClock('2028-06-01T09:01:10Z');
      expectStatus(await t.api('GET', '/api/orders', undefined, { key: created.key }), 200);
      const seen = new Set<string | null>();
      await expect
        .poll(
          async () => {
            const value = await lastUsed();
            seen.add(value);
            return value;
          },
          { timeout: 5000 },
        )
        .toBe('2028-06-01T09:01:10.000Z');
      expect([...seen].filter((v) => v !== AT_T0 && v !== '2028-06-01T09:01:10.000Z'), 'not written again within a minute').toEqual([]);
    } finally {
      vi.useRealTimers();
      await t.setClock(T0);
    }
  });

  it('is for admins only, and refuses bad bodies naming the field', async () => {
    const viewer = await t.key('viewer');
    expectProblem(await t.api('GET', '/api/keys', undefined, { key: viewer }), 403);
    expectProblem(await t.api('POST', '/api/keys', { role: 'viewer' }, { key: await t.key('operator') }), 403);
    const bad = await t.api('POST', '/api/keys', { role: 'superuser' });
    expectProblem(bad, 400, '/role');
    expect(bad.body.errors[0].message).toBe('must be one of admin, operator, integration, viewer');
    expectProblem(await t.api('POST', '/api/keys', { role: 'viewer', colour: 'red' }), 400, '/colour');
  });

  it('pages the list newest first', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      await t.setClock(`2028-06-01T10:0${i}:00Z`);
      const r = await t.api('POST', '/api/keys', { role: 'viewer', label: `page-${i}` });
      expectStatus(r, 201);
      made.push(r.body.id);
    }
    await t.setClock(T0);
    const first = await t.api('GET', '/api/keys?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.api('GET', `/api/keys?limit=2&cursor=${first.body.nextCursor}`);
    expectStatus(second, 200);
    const ids = [...first.body.items, ...second.body.items].map((k: { id: string }) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The three made last, newest first, open the list.
    expect(ids.slice(0, 3)).toEqual([...made].reverse());
    const all = await walk(t, '/api/keys', 2);
    const created = all.items.map((k: { createdAt: string }) => k.createdAt);
    expect(created).toEqual([...created].sort().reverse());
  });
});

describe.each(DATABASE_KINDS)('the last admin key on %s', (kind) => {
  let t: TestService;
  // Each test revokes the service's own admin key or keeps it the last one: each gets a service of its own.
  beforeEach(async () => {
    t = await startTestService(kind, { now: T0 });
  });
  afterEach(async () => {
    await t?.close();
  });

  const liveAdmins = async (key?: string) =>
    (await t.api('GET', '/api/keys?limit=500', undefined, key === undefined ? {} : { key })).body.items.filter((k: { role: string }) => k.role === 'admin').map((k: { id: string }) => k.id);

  it('cannot be revoked, by itself or by another key, and stays usable; any other admin key can', async () => {
    const [own] = await liveAdmins();
    expect(await liveAdmins()).toEqual([own]);
    const refused = await t.api('DELETE', `/api/keys/${own}`);
    expectProblem(refused, 409);
    expect(refused.body.detail).toBe(`API key ${own} is the last admin key and cannot be revoked: create another admin key first, then revoke this one`);
    expectStatus(await t.api('GET', '/api/keys'), 200);

    const second = (await t.api('POST', '/api/keys', { role: 'admin', label: 'second admin' })).body;
    expectStatus(await t.api('DELETE', `/api/keys/${second.id}`), 200);
    expectProblem(await t.api('DELETE', `/api/keys/${own}`), 409);
    expect(await liveAdmins()).toEqual([own]);
  });

  it('keeps one when the last two are revoked at the same moment', async () => {
    const b = (await t.api('POST', '/api/keys', { role: 'admin', label: 'b' })).body;
    const c = (await t.api('POST', '/api/keys', { role: 'admin', label: 'c' })).body;
    const [own] = (await liveAdmins()).filter((id: string) => id !== b.id && id !== c.id);
    expectStatus(await t.api('DELETE', `/api/keys/${own}`, undefined, { key: b.key }), 200);

    const answers = await Promise.all([t.api('DELETE', `/api/keys/${b.id}`, undefined, { key: c.key }), t.api('DELETE', `/api/keys/${c.id}`, undefined, { key: b.key })]);
    // One revoke goes through. The other is refused as the last admin key (409) or, when the first had committed
    // before its own key was checked, because its key is revoked by then (401). Either way one admin key is left.
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect([401, 409]).toContain(statuses.find((s) => s !== 200));
    const survivor = answers[0]!.status === 200 ? c : b;
    expect(await liveAdmins(survivor.key)).toEqual([survivor.id]);
  });

  // Two requests rarely overlap inside their transactions; here the first revoke holds its transaction open until
  // the second is either done or waiting for a lock. Without the lock on the live admin keys, the second would see
  // the first's key still live and revoke the other.
  it.runIf(kind === 'postgres')('makes a revoke wait for another revoke of an admin key in flight (PostgreSQL)', async () => {
    const db = t.service.database.db;
    const [own] = await liveAdmins();
    const b = (await t.api('POST', '/api/keys', { role: 'admin', label: 'b2' })).body;
    expectStatus(await t.api('DELETE', `/api/keys/${own}`, undefined, { key: b.key }), 200);
    const c = (await t.api('POST', '/api/keys', { role: 'admin', label: 'c2' }, { key: b.key })).body;

    const held = gate();
    const firstRevoked = gate();
    const first = db.transaction().execute(async (trx) => {
      const r = await revokeApiKey(trx, b.id, Date.now());
      firstRevoked.release();
      await held.promise;
      return r;
    });
    await firstRevoked.promise;
    let secondEnded = false;
    const second = db
      .transaction()
      .execute((trx) => revokeApiKey(trx, c.id, Date.now()))
      .finally(() => (secondEnded = true));
    const waiting = async () =>
      Number((await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db)).rows[0]!.n) > 0;
    while (!secondEnded && !(await waiting())) await new Promise((r) => setTimeout(r, 5));
    held.release();
    expect((await first) as { id: string }).toMatchObject({ id: b.id });
    expect(await second).toBe('last admin');
    expect(await liveAdmins(c.key)).toEqual([c.id]);
  });
});
