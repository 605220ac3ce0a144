export interface ProductsTable {
  sku: string;
  name: string;
  preorder_eligible: number;
  launch_date: string | null;
  allow_backorder: number;
  created_at: number;
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
