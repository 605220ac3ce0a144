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

/** The last JSON text read and the settings it gave: every ATP answer reads the document, which rarely changes. */
let lastRead: { text: string; settings: Settings } | null = null;

/** Settings from the stored document (parsed, or its JSON text), over the defaults. */
export function settingsOver(stored: Partial<Settings> | string | undefined): Settings {
  if (typeof stored === 'string') {
    if (lastRead?.text !== stored) lastRead = { text: stored, settings: mergeSettings(DEFAULT_SETTINGS, JSON.parse(stored) as Partial<Settings>) };
    return lastRead.settings;
  }
  return stored === undefined ? DEFAULT_SETTINGS : mergeSettings(DEFAULT_SETTINGS, stored);
}

export async function readPolicy(db: Executor): Promise<FulfillmentPolicy> {
  const stored = await readConfig<Partial<FulfillmentPolicy>>(db, POLICIES_KEY);
  return stored?.rules ? (stored as FulfillmentPolicy) : EMPTY_POLICY;
}

/** Who changed a document (settings or policies), when, before and after; newest first. */
export function settingsAudit(db: Executor, key: typeof SETTINGS_KEY | typeof POLICIES_KEY, q: { before?: number; limit: number }): Promise<Page<AuditEntry>> {
  return listConfigAudit(db, key, q);
}
