import type { Executor } from '../../store/database.ts';
import { listConfigAudit, readConfig } from '../../store/repositories/config.repository.ts';
import type { AuditEntry } from '../../store/repositories/config.repository.ts';
import type { Page } from '../../store/repositories/pagination.ts';
import { DEFAULT_SETTINGS, mergeSettings } from '../../domain/settings/settings.ts';
import type { Settings } from '../../domain/settings/settings.ts';
import { EMPTY_POLICY } from '../../domain/policy/fulfillment-policy.ts';
import type { FulfillmentPolicy } from '../../domain/policy/fulfillment-policy.ts';

export const SETTINGS_KEY = 'settings';
export const POLICIES_KEY = 'policies';

/** The stored settings over the defaults (a setting added later reads as its default). */
export async function readSettings(db: Executor): Promise<Settings> {
  return settingsOver(await readConfig<Partial<Settings>>(db, SETTINGS_KEY));
}

/** Settings from the stored document (parsed, or its JSON text), over the defaults. */
export function settingsOver(stored: Partial<Settings> | string | undefined): Settings {
  const doc = typeof stored === 'string' ? (JSON.parse(stored) as Partial<Settings>) : stored;
  return doc === undefined ? DEFAULT_SETTINGS : mergeSettings(DEFAULT_SETTINGS, doc);
}

export async function readPolicy(db: Executor): Promise<FulfillmentPolicy> {
  const stored = await readConfig<Partial<FulfillmentPolicy>>(db, POLICIES_KEY);
  return stored?.rules ? (stored as FulfillmentPolicy) : EMPTY_POLICY;
}

/** Who changed a document (settings or policies), when, before and after; newest first. */
export function settingsAudit(db: Executor, key: typeof SETTINGS_KEY | typeof POLICIES_KEY, q: { before?: number; limit: number }): Promise<Page<AuditEntry>> {
  return listConfigAudit(db, key, q);
}
