/**
 * Job runs through the HTTP API: start one (202), then follow it until it has ended. Its duration is the run's
 * own record (finishedAt - startedAt), which leaves out the HTTP round trips; following it costs one small request
 * every 250 ms.
 */
import { expectStatus, sleep } from './processes.mjs';

/** A run's records are counted up to this many (a rerun that should change nothing has none). */
const RECORDS_COUNTED = 10_000;
const PAGE = 500;

/**
 * @param {{ url: string }} server
 * @param {'backorder' | 'preorder'} [jobType]
 * @param {{ countRecords?: boolean }} [o]
 * @returns {Promise<{ run: any, seconds: number, changed: number | null }>}  changed (with `countRecords`): the run's
 *   records, one per line it moved, re-dated or failed on, counted up to RECORDS_COUNTED after it ended
 */
export async function runJob(server, jobType = 'backorder', o = {}) {
  const started = await expectStatus(202, 'POST', `${server.url}/api/jobs/${jobType}/runs`);
  for (;;) {
    const run = await expectStatus(200, 'GET', `${server.url}/api/jobs/runs/${started.id}?limit=1`);
    if (run.status !== 'running') {
      const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
      return { run, seconds, changed: o.countRecords ? await countRecords(server, run.id) : null };
    }
    await sleep(250);
  }
}

/** How many records a run has, paged through up to RECORDS_COUNTED. */
async function countRecords(server, runId) {
  let count = 0;
  let cursor = null;
  do {
    const page = await expectStatus(200, 'GET', `${server.url}/api/jobs/runs/${runId}?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    count += page.records.items.length;
    cursor = page.records.nextCursor;
  } while (cursor && count < RECORDS_COUNTED);
  return count;
}
