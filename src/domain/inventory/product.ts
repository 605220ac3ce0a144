import type { BusinessDate } from '../calendar/business-date.ts';

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly preorderEligible: boolean;
  readonly launchDate: BusinessDate | null;
  readonly allowBackorder: boolean;
}

export const SKU_PATTERN = '^[A-Za-z0-9._-]{1,64}$';

/** A line of this product waits for its launch when the product is preorder eligible and launches after today. */
export function isPreorder(product: Product, today: BusinessDate): boolean {
  return product.preorderEligible && product.launchDate !== null && product.launchDate > today;
}
