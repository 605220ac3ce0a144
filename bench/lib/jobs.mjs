/**
 * Job runs through the HTTP API: start one (202), then follow it until it has ended. Its duration is the run's
 * own record (finishedAt - startedAt), which leaves out the HTTP round trips; following it costs one small request
 * every 250 ms.
 */
import { expectStatus, sleep } from './processes.mjs';

/**
 * @param {{ url: string }} server
 * @param {'backorder' | 'preorder'} [jobType]
 * @returns {Promise<{ run: any, seconds: number, changed: number }>}  changed: lines the run moved or re-dated (0 or more than 0)
 */
export async function runJob(server, jobType = 'backorder') {
  const started = await expectStatus(202, 'POST', `${server.url}/api/jobs/${jobType}/runs`);
  for (;;) {
    const run = await expectStatus(200, 'GET', `${server.url}/api/jobs/runs/${started.id}?limit=1`);
    if (run.status !== 'running') {
      return { run, seconds: (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000, changed: run.records.items.length };
    }
    await sleep(250);
  }
}
