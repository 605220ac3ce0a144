import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps } from '../app.ts';
import { AppError } from '../../app/errors.ts';
import { setManualTime } from '../../app/clock-control.ts';
import { outboxLagSeconds } from '../../app/monitoring/monitoring.query.ts';
import { ClockAnswer, ClockBody } from '../contracts/settings.contract.ts';
import { problemOf, sendProblem } from '../problem.ts';
import { iso } from '../views.ts';

export function systemRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { ctx, manualClock, webhooks } = deps;

  // Two index lookups, no lock: it answers while jobs run. The lag query doubles as the database check.
  app.get('/health', { schema: { tags: ['system'], security: [] }, config: { access: 'public' } }, async (_req, reply) => {
    try {
      const lag = await outboxLagSeconds(ctx);
      return {
        status: 'ok',
        database: ctx.database.dialect,
        now: iso(ctx.clock.now()),
        webhooks: { dispatcher: webhooks.running ? 'running' : 'stopped', outboxLagSeconds: Math.round(lag * 1000) / 1000 },
      };
    } catch (error) {
      return sendProblem(reply, problemOf('unavailable', `database check failed: ${(error as Error).message}`));
    }
  });

  app.get('/api/admin/clock', { schema: { tags: ['system'], response: { 200: ClockAnswer } }, config: { access: 'read' } }, async () => ({
    now: iso(ctx.clock.now()),
    manual: manualClock !== null,
  }));

  app.put<{ Body: Static<typeof ClockBody> }>(
    '/api/admin/clock',
    {
      schema: { tags: ['system'], description: 'Only with HOLDFAST_CLOCK=manual: sets the service time.', body: ClockBody, response: { 200: ClockAnswer } },
      config: { access: 'admin' },
    },
    async (req) => {
      if (!manualClock) throw new AppError('conflict', 'the clock is the system clock; start the service with HOLDFAST_CLOCK=manual to set it');
      await setManualTime(ctx, manualClock, Date.parse(req.body.now));
      return { now: iso(manualClock.now()), manual: true };
    },
  );
}
