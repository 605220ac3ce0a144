/**
 * Who may call what (SPEC section 7): every role reads; admin does everything; operator works orders, jobs
 * and inventory; integration works orders, inventory and fulfillment and reads webhook subscriptions; viewer
 * only reads (but not webhooks).
 */
import type { Role } from '../app/context.ts';

export type Access = 'public' | 'read' | 'orders' | 'inventory' | 'fulfillment' | 'jobs' | 'webhooks' | 'admin';

const GRANTS: Readonly<Record<Role, readonly Access[]>> = {
  admin: ['read', 'orders', 'inventory', 'fulfillment', 'jobs', 'webhooks', 'admin'],
  operator: ['read', 'orders', 'inventory', 'jobs'],
  integration: ['read', 'orders', 'inventory', 'fulfillment', 'webhooks'],
  viewer: ['read'],
};

export function mayAccess(role: Role, access: Access): boolean {
  return access === 'public' || GRANTS[role].includes(access);
}

/** Reads the key out of `Authorization: Bearer <key>`; null when the header is missing or malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}
