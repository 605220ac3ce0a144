import type { Generated } from 'kysely';

export interface ProductsTable {
  sku: string;
  name: string;
  preorder_eligible: number;
  launch_date: string | null;
  allow_backorder: number;
  created_at: number;
  /** Bumped with every change to the sku's held lines: what a batch planned outside the lock checks. */
  held_version: Generated<number>;
  /** Lines of the sku on BackorderHold and on PreorderHold, kept with every change to them (next skus of a job run). */
  held_backorder: Generated<number>;
  held_preorder: Generated<number>;
  updated_at: number;
}

export interface LocationsTable {
  id: string;
  name: string;
  priority: number;
  handling_days: number;
  active: number;
  created_at: number;
  updated_at: number;
}
