import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../app.ts';
import { checkIntegrity, repairAndCheck } from '../../app/admin/integrity.ts';
import type { RepairReport } from '../../app/admin/integrity.ts';
import { IntegrityRepair, IntegrityReport } from '../contracts/explain.contract.ts';
import { NoBody } from '../contracts/common.contract.ts';

/** The repair's answer: a correction of a product's counts has no location ('*' in integrity_repairs). */
function repairView(r: RepairReport) {
  return {
    ...r,
    changes: r.changes.map((c) => ({ subject: c.subject, sku: c.sku, locationId: c.location_id === '*' ? null : c.location_id, date: c.date, before: c.before, after: c.after })),
  };
}

/** What `holdfast doctor` checks (SPEC section 7), and what `doctor --repair` mends: admin only. */
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
  app.post(
    '/api/admin/integrity/repair',
    {
      schema: {
        tags: ['admin'],
        description:
          "What holdfast doctor --repair does: sets every reserved, promised quantity and product's count of held lines to what the lines hold, in one transaction that holds every sku's lock (intake waits for it), recording each correction; skus whose supply moved start a supply-change run. No line or event is changed. Answers the corrections and the check run again.",
        body: NoBody,
        response: { 200: IntegrityRepair },
      },
      config: { access: 'admin' },
    },
    async (req) => repairView(await repairAndCheck(ctx, `api key ${req.actor.id}`)),
  );
}
