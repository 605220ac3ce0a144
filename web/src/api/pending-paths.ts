/**
 * Routes of SPEC 7 and 11 that the console calls but that the service's OpenAPI document (and so the generated
 * types) may not have yet, because other work adds them: typed here from the SPEC, merged over the generated
 * paths. Once a route is in src/client/api-types.ts, its entry here goes (the generated one is the truth).
 * Every screen that uses one shows an inline error when the service answers 404.
 */
import type { paths as ServicePaths } from '../../../src/client/api-types.ts';

type Json<T> = { content: { 'application/json': T } };
type Problem = Json<{ type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] }>;
type Op<Params, Body, Answers> = {
  parameters: Params;
  responses: Answers & { 400: Problem; 401: Problem; 403: Problem; 404: Problem; 409: Problem };
} & ([Body] extends [undefined] ? { requestBody?: never } : { requestBody: { content: { 'application/json': Body } } });
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type PathParams<P> = { query?: never; header?: never; path: P; cookie?: never };

export type Line = ServicePaths['/api/orders/{id}']['get']['responses'][200]['content']['application/json']['lines'][number];
export type Run = ServicePaths['/api/jobs/runs/{id}']['get']['responses'][200]['content']['application/json'];
export type RunRecord = Run['records']['items'][number] & { sku?: string; locationId?: string | null; quantity?: number };

/** SPEC 11: why a line has its dates. Fields past `explanation` depend on the line's state. */
export interface LinePromise {
  lineId?: string;
  statusReason?: string;
  explanation?: string;
  queue?: { position: number; ahead: { lines: number; quantity: number } } | null;
  locations?: {
    locationId: string;
    earliestDate: string | null;
    days?: { date: string; supply: number; promisedAhead: number; projected: number; atp: number }[];
  }[];
  next?: { locationId: string | null; inventoryAvailabilityDate: string | null; estimatedShipmentDate: string | null } | null;
  stored?: { locationId?: string | null; inventoryAvailabilityDate: string | null; estimatedShipmentDate: string | null } | null;
  [more: string]: unknown;
}

export interface ApiKey {
  id: string;
  role: 'admin' | 'operator' | 'integration' | 'viewer';
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export const WEBHOOK_EVENTS = [
  'line.preordered',
  'line.backordered',
  'line.released',
  'line.promise_changed',
  'line.canceled',
  'line.shipped',
] as const;

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  description: string | null;
  createdAt?: string;
}
export interface WebhookBody {
  url: string;
  secret?: string;
  events: string[];
  active?: boolean;
  description?: string | null;
}
export interface Delivery {
  id: string | number;
  eventId: string | number;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

/** SPEC 5: what a manual run started now would do; nothing is written. */
export type DryRun = Omit<Run, 'id' | 'records' | 'status' | 'startedAt' | 'finishedAt' | 'trigger' | 'error' | 'skus'> & {
  dryRun: true;
  records: RunRecord[] | { items: RunRecord[]; nextCursor: string | null };
};

type Page<T> = { items: T[]; nextCursor: string | null };
type ListQuery = { limit?: number; cursor?: string };
type OrdersGet = ServicePaths['/api/orders']['get'];
type SchedulesPost = ServicePaths['/api/inventory/schedules']['post'];
type RunsPost = ServicePaths['/api/jobs/{jobType}/runs']['post'];

export interface PendingPaths {
  '/api/order-lines/{id}/promise': { get: Op<PathParams<{ id: string }>, undefined, { 200: Json<LinePromise> }> };
  '/api/jobs/{jobType}/runs': {
    post: Omit<RunsPost, 'parameters' | 'responses'> & {
      parameters: { query?: { wait?: boolean; dryRun?: boolean }; path: { jobType: string } };
      responses: Omit<RunsPost['responses'], 200> & { 200: Json<Run | DryRun> } & { 409: Problem; 404: Problem };
    };
  };
  '/api/webhooks': { get: Op<{ query?: ListQuery }, undefined, { 200: Json<Page<Webhook>> }> };
  '/api/webhooks/{id}': {
    get: Op<PathParams<{ id: string }>, undefined, { 200: Json<Webhook> }>;
    put: Op<PathParams<{ id: string }>, WebhookBody, { 200: Json<Webhook>; 201: Json<Webhook> }>;
    delete: Op<PathParams<{ id: string }>, undefined, { 200: Json<unknown>; 204: { content?: never } }>;
  };
  '/api/webhooks/{id}/deliveries': { get: Op<{ query?: ListQuery; path: { id: string } }, undefined, { 200: Json<Page<Delivery>> }> };
  '/api/webhooks/{id}/deliveries/{deliveryId}/retry': {
    post: Op<PathParams<{ id: string; deliveryId: string }>, undefined, { 200: Json<unknown>; 202: Json<unknown> }>;
  };
  '/api/webhooks/{id}/ping': { post: Op<PathParams<{ id: string }>, undefined, { 200: Json<unknown>; 202: Json<unknown> }> };
}

/** The generated paths with the pending ones laid over them, method by method. */
export type ConsolePaths = {
  [K in keyof ServicePaths | keyof PendingPaths]: K extends keyof PendingPaths
    ? K extends keyof ServicePaths
      ? Omit<ServicePaths[K], keyof PendingPaths[K]> & PendingPaths[K]
      : PendingPaths[K]
    : K extends keyof ServicePaths
      ? ServicePaths[K]
      : never;
};
