import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../app.ts';
import { checkIntegrity } from '../../app/admin/integrity.ts';
import { IntegrityReport } from '../contracts/explain.contract.ts';

/** What `holdfast doctor` checks (SPEC section 7): admin only. */
export function integrityRoutes(app: FastifyInstance, { ctx }: HttpDeps): void {
  app.get(
    '/api/admin/integrity',
    {
      schema: {
        tags: ['admin'],
        description: "Checks the books against the lines, as holdfast doctor does: reserved, line states, held lines' dates, events, promised quantities, the products' counts of held lines.",
        response: { 200: IntegrityReport },
      },
      config: { access: 'admin' },
    },
    async () => checkIntegrity(ctx),
  );
}
