/**
 * Routes of SPEC 7 that the console calls but that the service's OpenAPI document (and so the generated types)
 * does not have yet, because other work (issue 12, webhooks) adds them: typed here from the SPEC, merged over the
 * generated paths. Once a route is in src/client/api-types.ts, its entry here goes (the generated one is the
 * truth). The screens that use them show an inline error while the service answers 404.
 */
import type { paths as ServicePaths } from '../../../src/client/api-types.ts';

type Json<T> = { content: { 'application/json': T } };
type Problem = Json<{ type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] }>;
type Op<Params, Body, Answers> = {
  parameters: Params;
  responses: Answers & { 400: Problem; 401: Problem; 403: Problem; 404: Problem; 409: Problem };
} & ([Body] extends [undefined] ? { requestBody?: never } : { requestBody: { content: { 'application/json': Body } } });
type PathParams<P> = { query?: never; header?: never; path: P; cookie?: never };

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
  id: number;
  eventId: string;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

type Page<T> = { items: T[]; nextCursor: string | null };
type ListQuery = { limit?: number; cursor?: string };

export interface PendingPaths {
  '/api/webhooks': { get: Op<{ query?: ListQuery }, undefined, { 200: Json<Page<Webhook>> }> };
  '/api/webhooks/{id}': {
    get: Op<PathParams<{ id: string }>, undefined, { 200: Json<Webhook> }>;
    put: Op<PathParams<{ id: string }>, WebhookBody, { 200: Json<Webhook>; 201: Json<Webhook> }>;
    delete: Op<PathParams<{ id: string }>, undefined, { 200: Json<unknown>; 204: { content?: never } }>;
  };
  '/api/webhooks/{id}/deliveries': { get: Op<{ query?: ListQuery; path: { id: string } }, undefined, { 200: Json<Page<Delivery>> }> };
  '/api/webhooks/{id}/deliveries/{deliveryId}/retry': {
    post: Op<PathParams<{ id: string; deliveryId: number }>, undefined, { 200: Json<unknown>; 202: Json<unknown> }>;
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
