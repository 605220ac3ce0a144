/**
 * Every operation of the HTTP API by method and path (OpenAPI form): its operationId, one-line summary, tag,
 * and the error statuses it answers besides the ones every route may (bad input, missing or refused key, unknown
 * resource). The OpenAPI document takes them from here (see enrich-document.ts), so route files stay small and
 * one place names every operation. A test checks that no served route is missing.
 */
export interface OperationInfo {
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  /** Statuses this operation answers beyond 400/401/403/404, each a problem+json. */
  readonly errors?: readonly number[];
}

export const TAGS: readonly { name: string; description: string }[] = [
  { name: 'system', description: 'Health, metrics, the service clock and integrity checks' },
  { name: 'products', description: 'Products and their preorder and backorder settings' },
  { name: 'locations', description: 'Warehouses and stores that fulfil lines' },
  { name: 'inventory', description: 'On-hand stock, adjustments, schedules of expected receipts and issues, available to promise' },
  { name: 'orders', description: 'Order intake, orders, lines, their history and cancellation' },
  { name: 'fulfillment', description: 'What locations confirm' },
  { name: 'jobs', description: 'The backorder and preorder jobs, their runs and per-line records' },
  { name: 'settings', description: 'Settings, fulfillment policies and their audit' },
  { name: 'webhooks', description: 'Subscriptions to line events, delivered signed and retried' },
  { name: 'keys', description: 'API keys' },
  { name: 'console', description: 'What the operator console reads besides the resources: the calling key, the Home overview' },
];

const op = (operationId: string, summary: string, tag: string, errors?: readonly number[]): OperationInfo => ({ operationId, summary, tag, errors });

export const OPERATIONS: Readonly<Record<string, OperationInfo>> = {
  'GET /health': op('getHealth', 'Whether the service and its database answer, and how far behind webhook delivery is', 'system', [503]),
  'GET /metrics': op('getMetrics', 'Prometheus metrics (text format)', 'system'),
  'GET /api/admin/clock': op('getClock', 'The service time, and whether it is the manual clock', 'system'),
  'PUT /api/admin/clock': op('setClock', 'Set the manual clock (HOLDFAST_CLOCK=manual only)', 'system', [409]),
  'GET /api/admin/integrity': op('checkIntegrity', 'Check that stock and lines agree (what holdfast doctor checks)', 'system'),
  'POST /api/admin/integrity/repair': op('repairIntegrity', 'Set reserved, promised quantities and held-line counts to what the lines hold (holdfast doctor --repair)', 'system'),

  'PUT /api/products/{sku}': op('putProduct', 'Create or replace a product', 'products'),
  'PATCH /api/products/{sku}': op('patchProduct', 'Change the fields of a product that the body names', 'products'),
  'GET /api/products/{sku}': op('getProduct', 'Read a product', 'products'),
  'GET /api/products': op('listProducts', 'List products', 'products'),

  'PUT /api/locations/{id}': op('putLocation', 'Create or replace a location', 'locations'),
  'GET /api/locations/{id}': op('getLocation', 'Read a location', 'locations'),
  'GET /api/locations': op('listLocations', 'List locations', 'locations'),

  'PUT /api/inventory/on-hand': op('setOnHand', 'Set on-hand counts in bulk', 'inventory'),
  'POST /api/inventory/adjustments': op('adjustStock', 'Book stock adjustments in bulk', 'inventory'),
  'GET /api/inventory/{sku}': op('getStock', 'Stock of a sku at each location', 'inventory'),
  'POST /api/inventory/schedules': op('uploadSchedules', 'Upload schedule entries (a JSON array or CSV)', 'inventory', [413, 415]),
  'GET /api/inventory/schedules': op('listSchedules', 'List schedule entries', 'inventory'),
  'DELETE /api/inventory/schedules': op('deleteSchedules', 'Remove every schedule entry matching the filters', 'inventory'),
  'DELETE /api/inventory/schedules/{id}': op('deleteSchedule', 'Remove one schedule entry', 'inventory'),
  'GET /api/atp': op('getAtp', 'Available to promise: the earliest date for a quantity, per location or day by day', 'inventory'),

  'POST /api/orders': op('placeOrder', 'Place an order (intake); idempotent by Idempotency-Key or externalId', 'orders', [409, 413, 415, 422]),
  'GET /api/orders': op('listOrders', 'List orders with their lines, newest first (a page ends before an order that would take it past 5,000 lines)', 'orders'),
  'GET /api/orders/{id}': op('getOrder', 'Read an order with its lines', 'orders'),
  'POST /api/orders/{id}/cancel': op('cancelOrder', 'Cancel every line of an order that may still be canceled', 'orders', [409]),
  'POST /api/orders/{id}/lines/{lineNumber}/cancel': op('cancelOrderLine', 'Cancel one line of an order', 'orders', [409]),
  'GET /api/orders/{id}/events': op('listOrderEvents', "An order's line history, oldest first", 'orders'),
  'GET /api/order-lines': op('listOrderLines', 'List lines across orders', 'orders'),
  'GET /api/order-lines/{id}': op('getOrderLine', 'Read one line', 'orders'),
  'GET /api/order-lines/{id}/promise': op('explainLinePromise', 'Why a line has its dates', 'orders'),
  'GET /api/line-labels': op('getLineLabels', "Name lines by their order's externalId and line number", 'orders'),
  'POST /api/fulfillment/lines/{lineId}/ship': op('shipLine', 'Confirm that a released line shipped', 'fulfillment', [409]),

  'GET /api/jobs': op('listJobs', 'The jobs with their schedules and last runs', 'jobs'),
  'POST /api/jobs/{jobType}/runs': op('runJob', 'Run a job now (or, with dryRun, say what a run would do)', 'jobs', [409]),
  'GET /api/jobs/runs': op('listJobRuns', 'The job log, newest first', 'jobs'),
  'GET /api/jobs/runs/{id}': op('getJobRun', 'A run with its per-line records', 'jobs'),

  'GET /api/settings': op('getSettings', 'Read the settings', 'settings'),
  'PATCH /api/settings': op('updateSettings', 'Change the settings the body names (audited)', 'settings'),
  'GET /api/settings/audit': op('listSettingsAudit', 'Who changed the settings or policies, when, before and after', 'settings'),
  'GET /api/policies': op('getPolicies', 'Read the fulfillment policy', 'settings'),
  'PUT /api/policies': op('putPolicies', 'Replace the fulfillment policy (audited)', 'settings'),

  'PUT /api/webhooks/{id}': op('putWebhook', 'Create or replace a webhook subscription', 'webhooks'),
  'GET /api/webhooks/{id}': op('getWebhook', 'Read a webhook subscription (never its secret)', 'webhooks'),
  'DELETE /api/webhooks/{id}': op('deleteWebhook', 'Delete a webhook subscription', 'webhooks'),
  'GET /api/webhooks': op('listWebhooks', 'List webhook subscriptions, newest first', 'webhooks'),
  'GET /api/webhooks/{id}/deliveries': op('listWebhookDeliveries', "A subscription's delivery log, newest first", 'webhooks'),
  'POST /api/webhooks/{id}/deliveries/{deliveryId}/retry': op('retryWebhookDelivery', 'Redeliver one delivery now', 'webhooks', [409]),
  'POST /api/webhooks/{id}/ping': op('pingWebhook', 'Send a ping event to a subscription now', 'webhooks'),

  'GET /api/keys': op('listApiKeys', 'List API keys (never the keys themselves)', 'keys'),
  'POST /api/keys': op('createApiKey', 'Create an API key (shown once)', 'keys'),
  'DELETE /api/keys/{id}': op('revokeApiKey', 'Revoke an API key', 'keys'),

  'GET /api/session': op('getSession', 'The calling key: its id and role', 'console'),
  'GET /api/overview': op('getOverview', 'Lines per status reason, Backorder Hold ageing, preorder demand against receipts', 'console'),
};
