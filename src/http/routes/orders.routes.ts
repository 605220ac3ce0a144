import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps } from '../app.ts';
import { placeOrder } from '../../app/orders/place-order.ts';
import { cancelOrder, cancelOrderLine } from '../../app/orders/cancel-order.ts';
import { shipLine } from '../../app/orders/ship-line.ts';
import { getOrder, getOrderLine, lineLabels, listLines, listOrders, orderEvents } from '../../app/orders/orders.query.ts';
import {
  EventListQuery,
  EventPage,
  IdempotencyHeaders,
  Line,
  LineIdParams,
  LineLabelQuery,
  LineLabels,
  LineListQuery,
  LinePage,
  LineParams,
  Order,
  OrderBody,
  OrderLineParams,
  OrderListQuery,
  OrderPage,
  OrderParams,
} from '../contracts/orders.contract.ts';
import { NoBody } from '../contracts/common.contract.ts';
import { eventView, lineView, orderView } from '../views.ts';
import { cursorKey } from './cursor.ts';

export function ordersRoutes(app: FastifyInstance, { ctx }: HttpDeps): void {
  app.post<{ Body: OrderBody; Headers: Static<typeof IdempotencyHeaders> }>(
    '/api/orders',
    {
      schema: {
        tags: ['orders'],
        description: 'Order intake. A repeated Idempotency-Key or externalId answers the original order (200).',
        headers: IdempotencyHeaders,
        body: OrderBody,
        response: { 200: Order, 201: Order },
      },
      config: { access: 'orders' },
    },
    async (req, reply) => {
      const { order, created } = await placeOrder(ctx, req.body, req.headers['idempotency-key'] ?? null);
      return reply.code(created ? 201 : 200).send(orderView(order));
    },
  );

  app.get<{ Params: Static<typeof OrderParams> }>(
    '/api/orders/:id',
    { schema: { tags: ['orders'], params: OrderParams, response: { 200: Order } }, config: { access: 'read' } },
    async (req) => orderView(await getOrder(ctx, req.params.id)),
  );

  app.get<{ Querystring: Static<typeof OrderListQuery> }>(
    '/api/orders',
    { schema: { tags: ['orders'], querystring: OrderListQuery, response: { 200: OrderPage } }, config: { access: 'read' } },
    async (req) => {
      const page = await listOrders(ctx, {
        statusReason: req.query.statusReason,
        sku: req.query.sku,
        status: req.query.status,
        externalId: req.query.externalId,
        customerId: req.query.customerId,
        after: cursorKey<[number, string]>(req.query.cursor, ['number', 'string']),
        limit: req.query.limit ?? 50,
      });
      return { items: page.items.map(orderView), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Querystring: Static<typeof LineListQuery> }>(
    '/api/order-lines',
    { schema: { tags: ['orders'], querystring: LineListQuery, response: { 200: LinePage } }, config: { access: 'read' } },
    async (req) => {
      const page = await listLines(ctx, {
        statusReason: req.query.statusReason,
        sku: req.query.sku,
        orderId: req.query.orderId,
        after: cursorKey<[number, string]>(req.query.cursor, ['number', 'string']),
        limit: req.query.limit ?? 50,
      });
      return { items: page.items.map(lineView), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Querystring: Static<typeof LineLabelQuery> }>(
    '/api/line-labels',
    {
      schema: {
        tags: ['orders'],
        description: "Names lines as an operator knows them (the order's externalId and the line number), for views that carry line ids: a run's records, a line list.",
        querystring: LineLabelQuery,
        response: { 200: LineLabels },
      },
      config: { access: 'read' },
    },
    async (req) => {
      const ids = [...new Set(req.query.ids.split(','))];
      const labels = await lineLabels(ctx, ids);
      const items = ids.flatMap((lineId) => {
        const label = labels.get(lineId);
        return label ? [{ lineId, ...label }] : [];
      });
      return { items };
    },
  );

  app.get<{ Params: Static<typeof LineIdParams> }>(
    '/api/order-lines/:id',
    { schema: { tags: ['orders'], params: LineIdParams, response: { 200: Line } }, config: { access: 'read' } },
    async (req) => lineView(await getOrderLine(ctx, req.params.id)),
  );

  app.post<{ Params: Static<typeof OrderParams> }>(
    '/api/orders/:id/cancel',
    { schema: { tags: ['orders'], params: OrderParams, body: NoBody, response: { 200: Order } }, config: { access: 'orders' } },
    async (req) => orderView(await cancelOrder(ctx, req.actor, req.params.id)),
  );

  app.post<{ Params: Static<typeof OrderLineParams> }>(
    '/api/orders/:id/lines/:lineNumber/cancel',
    { schema: { tags: ['orders'], params: OrderLineParams, body: NoBody, response: { 200: Order } }, config: { access: 'orders' } },
    async (req) => orderView(await cancelOrderLine(ctx, req.actor, req.params.id, req.params.lineNumber)),
  );

  app.get<{ Params: Static<typeof OrderParams>; Querystring: Static<typeof EventListQuery> }>(
    '/api/orders/:id/events',
    { schema: { tags: ['orders'], params: OrderParams, querystring: EventListQuery, response: { 200: EventPage } }, config: { access: 'read' } },
    async (req) => {
      const after = cursorKey<[number]>(req.query.cursor, ['number']);
      const page = await orderEvents(ctx, req.params.id, { after: after?.[0], limit: req.query.limit ?? 50 });
      return { items: page.items.map(eventView), nextCursor: page.nextCursor };
    },
  );

  app.post<{ Params: Static<typeof LineParams> }>(
    '/api/fulfillment/lines/:lineId/ship',
    { schema: { tags: ['fulfillment'], params: LineParams, body: NoBody, response: { 200: Line } }, config: { access: 'fulfillment' } },
    async (req) => lineView(await shipLine(ctx, req.actor, req.params.lineId)),
  );
}
