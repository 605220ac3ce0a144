/**
 * A slow client cannot hold a connection (issue 11.6): headers that do not arrive in time, or a body sent half
 * and then held, get a problem+json 408 and the connection is closed; the limits come from the configuration
 * (HOLDFAST_HEADERS_TIMEOUT_MS, HOLDFAST_REQUEST_TIMEOUT_MS), here set short.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { ADMIN_KEY, startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0 } from '../fixtures/seed.ts';

/** Writes `parts` to a new connection and answers what came back and whether the server closed it. */
function hold(port: number, parts: string[]): Promise<{ text: string; closedByServer: boolean; heldMs: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const started = Date.now();
    let text = '';
    // A guard for the test itself: a server that never closes fails it instead of hanging it.
    const guard = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedByServer: false, heldMs: Date.now() - started });
    }, 15_000);
    socket.on('data', (d) => (text += d.toString()));
    socket.on('close', () => {
      clearTimeout(guard);
      resolve({ text, closedByServer: true, heldMs: Date.now() - started });
    });
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      for (const p of parts) socket.write(p);
    });
  });
}

describe.each(DATABASE_KINDS)('slow clients on %s', (kind) => {
  let t: TestService;
  let port: number;
  beforeAll(async () => {
    t = await startTestService(kind, {
      now: T0,
      config: { timeouts: { requestMs: 1_000, headersMs: 500, keepAliveMs: 500, idleMs: 30_000 } },
    });
    await t.service.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.service.app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
  });

  const expect408 = (r: { text: string; closedByServer: boolean }) => {
    expect(r.closedByServer, r.text).toBe(true);
    expect(r.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(r.text).toMatch(/content-type: application\/problem\+json/i);
    const body = JSON.parse(r.text.split('\r\n\r\n')[1]!);
    expect(body).toMatchObject({ type: 'urn:holdfast:problem:request-timeout', status: 408, title: 'Request timed out' });
  };

  it('answers 408 and closes a connection whose headers never finish', async () => {
    const r = await hold(port, ['POST /api/orders HTTP/1.1\r\nHost: x\r\n']);
    expect408(r);
    console.log(`headers held back: closed after ${r.heldMs} ms (headers timeout 500 ms)`);
  });

  it('answers 408 and closes a connection whose body stops half way', async () => {
    const r = await hold(port, [
      `POST /api/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"externalId": "slo`,
    ]);
    expect408(r);
    console.log(`body held back: closed after ${r.heldMs} ms (request timeout 1000 ms)`);
  });

  it('without a key: answers 401 at once and still closes the connection when the request time is up', async () => {
    const r = await hold(port, ['POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"externalId": "slo']);
    expect(r.closedByServer).toBe(true);
    expect(r.text).toMatch(/^HTTP\/1\.1 401 /);
    console.log(`keyless body held back: closed after ${r.heldMs} ms (request timeout 1000 ms)`);
  });

  it('closes an idle kept-alive connection', async () => {
    const r = await hold(port, ['GET /health HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(r.closedByServer).toBe(true);
    expect(r.text).toMatch(/^HTTP\/1\.1 200 /);
  });
});
