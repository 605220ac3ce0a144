import type { Generated } from 'kysely';

export interface StockTable {
  sku: string;
  location_id: string;
  on_hand: number;
  /** Sum of the quantities of released, unshipped lines at this location. */
  reserved: number;
  updated_at: number;
}

export interface ScheduleEntriesTable {
  id: Generated<number>;
  sku: string;
  location_id: string;
  date: string;
  quantity: number;
  reference: string | null;
  created_at: number;
}

/** What held lines are promised, summed per (sku, location, date): kept with every held line change. */
export interface PromisedQuantitiesTable {
  sku: string;
  location_id: string;
  date: string;
  quantity: number;
}
