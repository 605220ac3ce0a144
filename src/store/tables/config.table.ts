import type { Generated } from 'kysely';

/** Small JSON documents: `settings`, `policies`, `clock`. */
export interface ConfigTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface ConfigAuditTable {
  id: Generated<number>;
  key: string;
  actor: string;
  at: number;
  before: string | null;
  after: string;
}

export interface ApiKeysTable {
  id: string;
  role: string;
  key_hash: string;
  label: string | null;
  created_at: number;
  last_used_at: number | null;
  /** Set when the key is revoked; a revoked key authenticates nothing. */
  revoked_at: number | null;
}
