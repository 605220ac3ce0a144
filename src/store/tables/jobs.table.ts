import type { Generated } from 'kysely';

export interface JobRunsTable {
  id: string;
  job_type: string;
  trigger: string;
  status: string;
  started_at: number;
  finished_at: number | null;
  heartbeat_at: number;
  owner: string;
  /** JSON array of the skus an event run covers; null for every sku. */
  skus: string | null;
  processed: number;
  moved_to_fulfillment: number;
  moved_to_backorder: number;
  still_on_hold: number;
  canceled: number;
  failed_records: number;
  error: string | null;
  /** The smallest and largest id of the events the run's batches wrote (null: none yet); its records lie between. */
  first_event_id: number | null;
  last_event_id: number | null;
}

export interface JobRunRecordsTable {
  id: Generated<number>;
  run_id: string;
  line_id: string;
  order_id: string;
  from_reason: string;
  to_reason: string;
  inventory_availability_date: string | null;
  estimated_shipment_date: string | null;
  error: string | null;
}

/** One row per job type: who runs it now. A lease whose heartbeat is older than its timeout may be taken over. */
export interface JobLeasesTable {
  job_type: string;
  run_id: string | null;
  owner: string | null;
  heartbeat_at: number;
}

/** A sku a run of the job left settled: planning the state with key `state_key` changes nothing (until `valid_until`). */
export interface JobSettledSkusTable {
  job_type: string;
  sku: string;
  state_key: string;
  still_on_hold: number;
  valid_until: number | null;
}
