import type { LocationsTable, ProductsTable } from './catalog.table.ts';
import type { ApiKeysTable, ConfigAuditTable, ConfigTable } from './config.table.ts';
import type { PromisedQuantitiesTable, ScheduleEntriesTable, StockTable } from './inventory.table.ts';
import type { JobLeasesTable, JobRunRecordsTable, JobRunsTable, JobSettledSkusTable } from './jobs.table.ts';
import type { LineEventsTable, OrderLinesTable, OrdersTable } from './orders.table.ts';
import type { IntegrityRepairsTable } from './integrity.table.ts';
import type { WebhookDeliveriesTable, WebhookFanOutTable, WebhookSubscriptionsTable } from './webhooks.table.ts';

export interface DB {
  products: ProductsTable;
  locations: LocationsTable;
  stock: StockTable;
  schedule_entries: ScheduleEntriesTable;
  promised_quantities: PromisedQuantitiesTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  line_events: LineEventsTable;
  config: ConfigTable;
  config_audit: ConfigAuditTable;
  api_keys: ApiKeysTable;
  job_runs: JobRunsTable;
  job_run_records: JobRunRecordsTable;
  job_leases: JobLeasesTable;
  job_settled_skus: JobSettledSkusTable;
  integrity_repairs: IntegrityRepairsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_fan_out: WebhookFanOutTable;
}
