import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps } from '../app.ts';
import type { JobRun } from '../../app/jobs/jobs.query.ts';
import { Type } from '@sinclair/typebox';
import { JobList, JobParams, Run, RunDetails, RunDetailsQuery, RunListQuery, RunNowQuery, RunPage, RunParams } from '../contracts/jobs.contract.ts';
import { DryRun } from '../contracts/explain.contract.ts';
import { dryRunBody } from '../dry-run-body.ts';
import { iso } from '../views.ts';
import { NoBody } from '../contracts/common.contract.ts';
import { cursorKey } from './cursor.ts';

export const runView = (r: JobRun) => ({ ...r, startedAt: iso(r.startedAt), finishedAt: r.finishedAt === null ? null : iso(r.finishedAt) });

export function jobsRoutes(app: FastifyInstance, { jobs }: HttpDeps): void {
  app.get('/api/jobs', { schema: { tags: ['jobs'], response: { 200: JobList } }, config: { access: 'read' } }, async () => ({
    items: (await jobs.definitions()).map((j) => ({
      ...j,
      nextRunAt: j.nextRunAt === null ? null : iso(j.nextRunAt),
      lastRun: j.lastRun && runView(j.lastRun),
    })),
  }));

  app.post<{ Params: Static<typeof JobParams>; Querystring: Static<typeof RunNowQuery> }>(
    '/api/jobs/:jobType/runs',
    {
      schema: {
        tags: ['jobs'],
        description:
          'Runs a job now: 202 with the run, or with ?wait=true 200 with the run once it has ended; 409 while one of the type runs. ' +
          'With ?dryRun=true, 200 with what a manual run started now would do (its counts and every record), writing nothing; the body streams.',
        params: JobParams,
        querystring: RunNowQuery,
        body: NoBody,
        response: { 200: Type.Union([Run, DryRun]), 202: Run },
      },
      config: { access: 'jobs' },
    },
    async (req, reply) => {
      if (req.query.dryRun) {
        const dry = await jobs.dryRun(req.params.jobType);
        return reply
          .code(200)
          .type('application/json; charset=utf-8')
          .send(dryRunBody(dry, (error) => req.log.error({ err: error }, 'dry run failed')));
      }
      const started = await jobs.run(req.params.jobType, 'manual');
      if (req.query.wait) return reply.code(200).send(runView(await started.done));
      return reply.code(202).send(runView(started.run));
    },
  );

  app.get<{ Querystring: Static<typeof RunListQuery> }>(
    '/api/jobs/runs',
    { schema: { tags: ['jobs'], querystring: RunListQuery, response: { 200: RunPage } }, config: { access: 'read' } },
    async (req) => {
      const page = await jobs.listRuns({
        jobType: req.query.jobType,
        status: req.query.status,
        after: cursorKey<[number, string]>(req.query.cursor, ['number', 'string']),
        limit: req.query.limit ?? 50,
      });
      return { items: page.items.map(runView), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof RunParams>; Querystring: Static<typeof RunDetailsQuery> }>(
    '/api/jobs/runs/:id',
    { schema: { tags: ['jobs'], params: RunParams, querystring: RunDetailsQuery, response: { 200: RunDetails } }, config: { access: 'read' } },
    async (req) => {
      const after = cursorKey<[number, number]>(req.query.cursor, ['number', 'number']);
      const { run, records } = await jobs.runDetails(req.params.id, { after, limit: req.query.limit ?? 50 });
      return { ...runView(run), records };
    },
  );
}
