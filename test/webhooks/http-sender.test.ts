/**
 * The webhook sender against a real node:http receiver: what it posts, what it keeps of an answer, that it follows
 * no redirect, that one deadline covers the whole exchange, and that a receiver that is not there is an error text,
 * never a throw.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpWebhookSender } from '../../src/app/webhooks/http-sender.ts';

describe('HttpWebhookSender', () => {
  const sender = new HttpWebhookSender();
  const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  let server: http.Server;
  let base = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const path = req.url?.split('?')[0];
        if (path === '/ok') res.writeHead(204).end();
        else if (path === '/fail') res.writeHead(500, { 'content-type': 'text/plain' }).end('x'.repeat(10_000));
        else if (path === '/moved') res.writeHead(302, { location: `${base}/ok` }).end();
        else if (path === '/late') setTimeout(() => res.writeHead(204).end(), 600);
        // '/silent' never answers.
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    sender.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('posts the body with the headers given and reports a 2xx', async () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'line.released' });
    const outcome = await sender.send(`${base}/ok?x=1`, { 'content-type': 'application/json', 'holdfast-signature': 'sha256=ab' }, body, 2_000);
    expect(outcome).toEqual({ statusCode: 204, body: '' });
    const got = seen.at(-1)!;
    expect(got).toMatchObject({ method: 'POST', url: '/ok?x=1', body });
    expect(got.headers).toMatchObject({ 'content-type': 'application/json', 'holdfast-signature': 'sha256=ab', 'content-length': String(Buffer.byteLength(body)) });
  });

  it('keeps the first 300 characters of a failing answer', async () => {
    expect(await sender.send(`${base}/fail`, {}, '{}', 2_000)).toEqual({ statusCode: 500, body: 'x'.repeat(300) });
  });

  it('does not follow a redirect', async () => {
    const before = seen.length;
    expect(await sender.send(`${base}/moved`, {}, '{}', 2_000)).toMatchObject({ statusCode: 302 });
    expect(seen.slice(before).map((r) => r.url)).toEqual(['/moved']);
  });

  it('gives up at the deadline, and not before it', async () => {
    expect(await sender.send(`${base}/silent`, {}, '{}', 300)).toEqual({ error: 'no answer within 0.3 s' });
    // An answer that takes a fifth of the deadline is waited for (a deadline read a tenth as long would not wait).
    expect(await sender.send(`${base}/late`, {}, '{}', 3_000)).toMatchObject({ statusCode: 204 });
  });

  it('answers an error text when nothing listens or the url is not http', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await sender.send(`http://127.0.0.1:${port}/hook`, {}, '{}', 2_000);
    expect(refused).toEqual({ error: expect.stringMatching(/^ECONNREFUSED: /) });
    expect(await sender.send('ftp://127.0.0.1/hook', {}, '{}', 2_000)).toEqual({ error: 'the url is not valid' });
    expect(await sender.send('not a url', {}, '{}', 2_000)).toEqual({ error: 'the url is not valid' });
  });
});
