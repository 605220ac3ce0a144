import type { BusinessDate } from '../calendar/business-date.ts';

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly preorderEligible: boolean;
  readonly launchDate: BusinessDate | null;
  readonly allowBackorder: boolean;
}

/** A line of this product waits for its launch when the product is preorder eligible and launches after today. */
export function isPreorder(product: Product, today: BusinessDate): boolean {
  return product.preorderEligible && product.launchDate !== null && product.launchDate > today;
}
