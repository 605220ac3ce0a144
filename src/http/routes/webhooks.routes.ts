import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps } from '../app.ts';
import { putWebhook } from '../../app/webhooks/put-webhook.ts';
import { deleteWebhook } from '../../app/webhooks/delete-webhook.ts';
import { pingWebhook } from '../../app/webhooks/ping-webhook.ts';
import { retryDelivery } from '../../app/webhooks/retry-delivery.ts';
import { getWebhook, listWebhooks, webhookDeliveries } from '../../app/webhooks/webhooks.query.ts';
import type { Delivery as StoredDelivery, Subscription } from '../../app/webhooks/webhooks.query.ts';
import { pingWebhookId } from '../../domain/webhooks/payload.ts';
import {
  Delivery,
  DeliveryListQuery,
  DeliveryPage,
  DeliveryParams,
  Webhook,
  WebhookBody,
  WebhookListQuery,
  WebhookPage,
  WebhookParams,
} from '../contracts/webhooks.contract.ts';
import { NoBody } from '../contracts/common.contract.ts';
import { iso } from '../views.ts';
import { cursorKey } from './cursor.ts';

/** A subscription as answered: never its secret. */
const webhookView = (s: Subscription) => ({
  id: s.id,
  url: s.url,
  events: s.events,
  active: s.active,
  description: s.description,
  createdAt: iso(s.createdAt),
  updatedAt: iso(s.updatedAt),
});

const deliveryView = (d: StoredDelivery) => ({
  id: d.id,
  eventId: d.eventId === null ? pingWebhookId(d.id) : String(d.eventId),
  type: d.type,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
  deliveredAt: d.deliveredAt === null ? null : iso(d.deliveredAt),
  createdAt: iso(d.createdAt),
});

/** Webhook subscriptions and their deliveries (SPEC section 7): admin writes; admin and integration read. */
export function webhooksRoutes(app: FastifyInstance, { ctx, webhooks }: HttpDeps): void {
  app.put<{ Params: Static<typeof WebhookParams>; Body: WebhookBody }>(
    '/api/webhooks/:id',
    { schema: { params: WebhookParams, body: WebhookBody, response: { 200: Webhook, 201: Webhook } }, config: { access: 'admin' } },
    async (req, reply) => {
      const { subscription, created } = await putWebhook(ctx, req.params.id, req.body);
      return reply.code(created ? 201 : 200).send(webhookView(subscription));
    },
  );

  app.get<{ Params: Static<typeof WebhookParams> }>(
    '/api/webhooks/:id',
    { schema: { params: WebhookParams, response: { 200: Webhook } }, config: { access: 'webhooks' } },
    async (req) => webhookView(await getWebhook(ctx, req.params.id)),
  );

  app.delete<{ Params: Static<typeof WebhookParams> }>(
    '/api/webhooks/:id',
    { schema: { params: WebhookParams, body: NoBody }, config: { access: 'admin' } },
    async (req, reply) => {
      await deleteWebhook(ctx, req.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: Static<typeof WebhookListQuery> }>(
    '/api/webhooks',
    { schema: { querystring: WebhookListQuery, response: { 200: WebhookPage } }, config: { access: 'webhooks' } },
    async (req) => {
      const after = cursorKey<[number, string]>(req.query.cursor, ['number', 'string']);
      const page = await listWebhooks(ctx, { after, limit: req.query.limit ?? 50 });
      return { items: page.items.map(webhookView), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof WebhookParams>; Querystring: Static<typeof DeliveryListQuery> }>(
    '/api/webhooks/:id/deliveries',
    { schema: { params: WebhookParams, querystring: DeliveryListQuery, response: { 200: DeliveryPage } }, config: { access: 'webhooks' } },
    async (req) => {
      const before = cursorKey<[number]>(req.query.cursor, ['number']);
      const page = await webhookDeliveries(ctx, req.params.id, { before: before?.[0], limit: req.query.limit ?? 50, status: req.query.status });
      return { items: page.items.map(deliveryView), nextCursor: page.nextCursor };
    },
  );

  app.post<{ Params: Static<typeof DeliveryParams> }>(
    '/api/webhooks/:id/deliveries/:deliveryId/retry',
    { schema: { params: DeliveryParams, body: NoBody, response: { 200: Delivery } }, config: { access: 'admin' } },
    async (req) => deliveryView(await retryDelivery(ctx, webhooks.agent, req.params.id, req.params.deliveryId)),
  );

  app.post<{ Params: Static<typeof WebhookParams> }>(
    '/api/webhooks/:id/ping',
    { schema: { params: WebhookParams, body: NoBody, response: { 200: Delivery } }, config: { access: 'admin' } },
    async (req) => deliveryView(await pingWebhook(ctx, webhooks.agent, req.params.id)),
  );
}
