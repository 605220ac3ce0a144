#!/usr/bin/env node
/**
 * Probes a service while something else loads it: every 20 ms (PROBE_INTERVAL_MS) it sends `GET /health` and a
 * read (`GET /api/order-lines?limit=5`, with PROBE_KEY) without waiting for earlier probes, so a stalled server
 * shows as long latencies rather than fewer samples. A probe without an answer within 10 s, or with a status
 * other than 200, is a failure. Started by the bench with an IPC channel: on the message "stop" it waits for the
 * probes in flight and sends back { health: { latenciesMs, failures, reasons }, read: { ... } } (reasons: failed probes
 * counted by status and body, or by error code).
 *
 *   PROBE_URL=http://127.0.0.1:3000 PROBE_KEY=... node bench/prober.mjs
 */
import http from 'node:http';

const base = process.env.PROBE_URL;
const key = process.env.PROBE_KEY;
const interval = Number(process.env.PROBE_INTERVAL_MS ?? 20);
const TIMEOUT_MS = 10_000;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const results = { health: { latenciesMs: [], failures: 0, reasons: {} }, read: { latenciesMs: [], failures: 0, reasons: {} } };

/** Counts a failed probe under its reason (`status 503: <detail>`, `ECONNRESET`, `timeout`), so a failure can be traced. */
function failed(name, reason) {
  results[name].failures++;
  results[name].reasons[reason] = (results[name].reasons[reason] ?? 0) + 1;
}
const inFlight = new Set();

function probe(name, path, headers) {
  const started = process.hrtime.bigint();
  const p = new Promise((resolve) => {
    const req = http.get(`${base}${path}`, { agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (res.statusCode !== 200 && body.length < 300) body += chunk;
      });
      res.on('end', () => {
        if (res.statusCode === 200) results[name].latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
        else failed(name, `status ${res.statusCode}: ${body.slice(0, 200)}`);
        resolve();
      });
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.on('error', (error) => {
      failed(name, error.code ?? error.message);
      resolve();
    });
  });
  inFlight.add(p);
  p.then(() => inFlight.delete(p));
}

const timer = setInterval(() => {
  probe('health', '/health', {});
  probe('read', '/api/order-lines?limit=5', { authorization: `Bearer ${key}` });
}, interval);

process.on('message', async (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  await Promise.all([...inFlight]);
  process.send(results, () => process.exit(0));
});
