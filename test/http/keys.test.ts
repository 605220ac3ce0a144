/**
 * API keys over HTTP (SPEC section 7, issue 10.6): `GET /api/keys` lists the live keys with their labels and
 * lastUsedAt (never a key), `POST /api/keys` creates one (the key shown once), `DELETE /api/keys/{id}` revokes
 * it so that its very next request gets 401; lastUsedAt is written when a key is used, at most once a minute.
 * Admin only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, expectProblem, expectStatus } from '../fixtures/seed.ts';

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

  it('writes lastUsedAt when a key is used, at most once a minute', async () => {
    const created = (await t.api('POST', '/api/keys', { role: 'integration' })).body;
    expect(created.label).toBeNull();
    const lastUsed = async () => (await t.api('GET', '/api/keys?limit=500')).body.items.find((k: { id: string }) => k.id === created.id).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    expectStatus(await t.api('GET', '/api/orders', undefined, { key: created.key }), 200);
    await expect.poll(lastUsed, { timeout: 5000 }).toBe(AT_T0); // the write runs after the answer
    await t.setClock('2028-06-01T09:00:30Z');
    expectStatus(await t.api('GET', '/api/orders', undefined, { key: created.key }), 200);
    await new Promise((r) => setTimeout(r, 50));
    expect(await lastUsed(), 'not written again within a minute').toBe(AT_T0);
    await t.setClock(T0);
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
    for (let i = 0; i < 3; i++) expectStatus(await t.api('POST', '/api/keys', { role: 'viewer', label: `page-${i}` }), 201);
    const first = await t.api('GET', '/api/keys?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.api('GET', `/api/keys?limit=2&cursor=${first.body.nextCursor}`);
    expectStatus(second, 200);
    const ids = [...first.body.items, ...second.body.items].map((k: { id: string }) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
