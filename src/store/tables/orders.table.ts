import type { ColumnType, Generated } from 'kysely';

export interface OrdersTable {
  id: string;
  external_id: string;
  idempotency_key: string | null;
  request_hash: string;
  channel: string;
  customer_id: string | null;
  ordered_at: number;
  priority: number;
  ship_country: string | null;
  ship_region: string | null;
  ship_postal_code: string | null;
}

/** Order fields that promising needs (priority, orderedAt, channel, ship-to) are copied here, so jobs read one table. */
export interface OrderLinesTable {
  id: string;
  order_id: string;
  line_number: number;
  sku: string;
  quantity: number;
  location_id: string | null;
  status_reason: string;
  inventory_availability_date: string | null;
  estimated_shipment_date: string | null;
  launch_date: string | null;
  backordered_at: number | null;
  version: number;
  priority: number;
  ordered_at: number;
  channel: string;
  ship_country: string | null;
  ship_region: string | null;
  /** The id of the event that moved the line into its status reason: a job run's scope is the lines at or below its start. */
  status_seq: number | null;
}

export interface LineEventsTable {
  id: Generated<number>;
  order_id: string;
  line_id: string;
  type: string;
  from_reason: string;
  to_reason: string;
  at: number;
  data: string;
  /** The job run that wrote it, if any: a run's records are its events. */
  run_id: string | null;
  /** The line's sku: a line's history is indexed by (sku, line_id), which keeps a job run's writes together. */
  sku: string | null;
}

/** Events waiting for delivery to webhook subscribers; written in the same transaction as the event. */
export interface OutboxTable {
  id: Generated<number>;
  event_id: number;
  created_at: number;
  /** When the webhook dispatcher fanned the event out to the subscriptions (dispatcher time); null until then. */
  dispatched_at: ColumnType<number | null, number | null | undefined, number | null>;
}
