/** What a role may do (SPEC 7), so the console offers only that. Mirrors src/http/access.ts. */
export type Role = 'admin' | 'operator' | 'integration' | 'viewer';
export type Capability = 'orders' | 'inventory' | 'jobs' | 'fulfillment' | 'admin';

const GRANTS: Record<Role, readonly Capability[]> = {
  admin: ['orders', 'inventory', 'jobs', 'fulfillment', 'admin'],
  operator: ['orders', 'inventory', 'jobs'],
  integration: ['orders', 'inventory', 'fulfillment'],
  viewer: [],
};

export const may = (role: Role, capability: Capability) => GRANTS[role].includes(capability);

export const isRole = (value: unknown): value is Role => typeof value === 'string' && value in GRANTS;
