import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../app.ts';
import { readOverview } from '../../app/reports/overview.query.ts';
import { Overview, Session } from '../contracts/console.contract.ts';
import { iso } from '../views.ts';

/** Reads the console needs beyond the resources: who the key is, and the Home screen's aggregates. */
export function consoleRoutes(app: FastifyInstance, { ctx }: HttpDeps): void {
  app.get(
    '/api/session',
    { schema: { tags: ['console'], description: 'The calling key: its id and role.', response: { 200: Session } }, config: { access: 'read' } },
    async (req) => ({ keyId: req.actor.id, role: req.actor.role }),
  );

  app.get(
    '/api/overview',
    {
      schema: {
        tags: ['console'],
        description: 'Lines and units per status reason, Backorder Hold lines by age, and preorder demand against scheduled receipts.',
        response: { 200: Overview },
      },
      config: { access: 'read' },
    },
    async () => {
      const o = await readOverview(ctx);
      return { ...o, now: iso(o.now) };
    },
  );
}
