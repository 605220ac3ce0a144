import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';

describe.each(DATABASE_KINDS)('health and auth on %s', (kind) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(kind, { now: '2028-06-01T09:00:00Z' });
  });
  afterAll(async () => t?.close());

  it('answers /health without a key and names the database', async () => {
    const r = await t.api('GET', '/health', undefined, { key: null });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', database: kind, now: '2028-06-01T09:00:00.000Z' });
  });

  it('refuses /api without a key as problem+json', async () => {
    const r = await t.api('GET', '/api/orders', undefined, { key: null });
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status: 401, title: expect.any(String), detail: expect.any(String) });
  });
});
