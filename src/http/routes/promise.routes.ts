import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps } from '../app.ts';
import { explainLine } from '../../app/orders/explain-line.ts';
import type { LinePromiseAnswer } from '../../app/orders/explain-line.ts';
import { STATE_OF } from '../../domain/order/line-status.ts';
import { LinePromise, PromiseParams } from '../contracts/explain.contract.ts';
import { iso } from '../views.ts';

export function promiseView(a: LinePromiseAnswer) {
  const { line } = a;
  return {
    lineId: line.id,
    orderId: line.orderId,
    lineNumber: line.lineNumber,
    sku: line.sku,
    quantity: line.quantity,
    state: STATE_OF[line.statusReason],
    statusReason: line.statusReason,
    launchDate: line.launchDate,
    today: a.today,
    horizonDays: a.horizonDays,
    stored: { locationId: line.locationId, inventoryAvailabilityDate: line.inventoryAvailabilityDate, estimatedShipmentDate: line.estimatedShipmentDate },
    queue: a.queue,
    locations: a.locations,
    otherLocations: a.otherLocations,
    next: a.next,
    explanation: a.explanation,
    reservation: a.reservation && { ...a.reservation, since: iso(a.reservation.since) },
    decidedBy: a.decidedBy && { ...a.decidedBy, at: iso(a.decidedBy.at) },
  };
}

/** Why a line has its dates (SPEC section 11): any key may ask. */
export function promiseRoutes(app: FastifyInstance, { ctx }: HttpDeps): void {
  app.get<{ Params: Static<typeof PromiseParams> }>(
    '/api/order-lines/:id/promise',
    {
      schema: {
        tags: ['orders'],
        description: 'Why the line has its dates: its queue, the ATP table at each candidate location with only the lines ahead promised, what the next job run gives it, and a plain explanation.',
        params: PromiseParams,
        response: { 200: LinePromise },
      },
      config: { access: 'read' },
    },
    async (req) => promiseView(await explainLine(ctx, req.params.id)),
  );
}
