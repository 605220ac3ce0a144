import type { Generated } from 'kysely';

/** One correction made by `holdfast doctor --repair`: a stock row's `reserved` or a promised quantity, before and after. */
export interface IntegrityRepairsTable {
  id: Generated<number>;
  repaired_at: number;
  actor: string;
  /** `reserved` (a stock row) or `promised` (a promised quantity). */
  subject: string;
  sku: string;
  location_id: string;
  /** The promised quantity's date; null for a stock row. */
  date: string | null;
  /** Null when the row did not exist. */
  before: number | null;
  after: number;
}
