/**
 * Who may call what (SPEC section 7): every role reads; admin does everything; operator works orders, jobs
 * and inventory; integration works orders, inventory and fulfillment and reads webhook subscriptions; viewer
 * only reads (but not webhooks).
 */
import { ROLES } from '../app/context.ts';
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

/** The roles that may act, as words: "admin or operator". */
export function rolesFor(access: Access): Role[] {
  return ROLES.filter((r) => mayAccess(r, access));
}

/** A 403's detail: who asked, and which roles may. */
export function forbiddenDetail(role: Role, access: Access): string {
  const may = rolesFor(access);
  const list = may.length === 1 ? `an ${may[0]} key` : `a key of one of the roles ${may.slice(0, -1).join(', ')} or ${may[may.length - 1]}`;
  return `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} key may not do this; it needs ${list}`;
}

/**
 * Reads the key out of `Authorization: Bearer <key>`; null when the header is missing or malformed. The scheme
 * is case-insensitive (RFC 7235), so `bearer <key>` works too.
 */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}
