/** Shapes of the service's answers the screens pass around, named once from the generated API types. */
import type { paths } from '../../../src/client/api-types.ts';

type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

export type Line = Answer<'/api/orders/{id}', 'get'>['lines'][number];
/** A line's status reason (SPEC 1), as the service names it. */
export type StatusReason = Line['statusReason'];
export type Run = Answer<'/api/jobs/runs/{id}', 'get'>;
/** What `POST /api/jobs/{jobType}/runs?dryRun=true` answers: a run's counts and records, nothing written. */
export type DryRun = Extract<Answer<'/api/jobs/{jobType}/runs', 'post'>, { dryRun: true }>;
export type RunRecord = Run['records']['items'][number] | DryRun['records'][number];
export type Product = Answer<'/api/products/{sku}', 'get'>;
export type ApiKey = Answer<'/api/keys', 'get'>['items'][number];
export type LinePromise = Answer<'/api/order-lines/{id}/promise', 'get'>;
export type Webhook = Answer<'/api/webhooks/{id}', 'get'>;
export type WebhookBody = NonNullable<paths['/api/webhooks/{id}']['put']['requestBody']>['content']['application/json'];
export type Delivery = Answer<'/api/webhooks/{id}/deliveries', 'get'>['items'][number];
/** A line as an operator names it: its order's externalId and line number (`GET /api/line-labels`). */
export type LineLabel = Answer<'/api/line-labels', 'get'>['items'][number];
/** What `POST /api/admin/integrity/repair` answers: the corrections and the check after them. */
export type IntegrityRepair = Answer<'/api/admin/integrity/repair', 'post'>;

/** The line events a webhook may subscribe to (SPEC 7); `ping` is sent on request only. */
export const WEBHOOK_EVENTS = ['line.preordered', 'line.backordered', 'line.released', 'line.promise_changed', 'line.canceled', 'line.shipped'] as const;
