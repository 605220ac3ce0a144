import type { Generated } from 'kysely';

export interface WebhookSubscriptionsTable {
  key: Generated<number>;
  id: string;
  url: string;
  secret: string;
  /** JSON array of event types, or ["*"]. */
  events: string;
  active: number;
  description: string | null;
  /** The subscription gets the events above this one: those after it was created. */
  after_event_id: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

/** One row per (subscription, event), or per ping; its attempts are counted on it. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  subscription_key: number;
  event_id: number | null;
  line_id: string | null;
  type: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: number;
  expires_at: number;
  delivered_at: number | null;
  created_at: number;
  queued_at: number;
  locked_by: string | null;
  locked_until: number | null;
}

/** One row: every line event up to `event_id` has been fanned out to the subscriptions (the events are the outbox). */
export interface WebhookFanOutTable {
  id: number;
  event_id: number;
  updated_at: number;
}
