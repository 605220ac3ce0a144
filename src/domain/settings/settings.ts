import { daysLeft } from '../calendar/business-date.ts';
import type { BusinessDate } from '../calendar/business-date.ts';

/**
 * Service settings (SPEC section 6): one object, merged by PATCH (nested objects too), every change audited.
 */
export interface JobSettings {
  readonly backorder: { readonly enabled: boolean; readonly cron: string; readonly onSupplyChange: boolean };
  readonly preorder: { readonly enabled: boolean; readonly cron: string };
}

export interface Settings {
  readonly onHandChangeSchedule: boolean;
  readonly backorders: boolean;
  readonly cancellationSlaDays: number | null;
  readonly atpHorizonDays: number;
  readonly timeZone: string;
  readonly jobs: JobSettings;
}

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  onHandChangeSchedule: false,
  backorders: false,
  cancellationSlaDays: null,
  atpHorizonDays: 90,
  timeZone: 'UTC',
  jobs: {
    backorder: { enabled: true, cron: '*/15 * * * *', onSupplyChange: true },
    preorder: { enabled: true, cron: '0 * * * *' },
  },
});

/** What a PATCH may carry: any subset, nested. */
export type SettingsPatch = Partial<Omit<Settings, 'jobs'>> & {
  readonly jobs?: { readonly backorder?: Partial<JobSettings['backorder']>; readonly preorder?: Partial<JobSettings['preorder']> };
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Deep merge: objects merge key by key, anything else (null included) replaces. */
export function mergeSettings<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = k in base ? mergeSettings(base[k], v) : v;
  return out as T;
}

/**
 * The ATP horizon H in days from `today`: with the on-hand change schedule off only day 0 counts, and no
 * horizon reaches past 9999-12-31.
 */
export function horizonOf(settings: Pick<Settings, 'onHandChangeSchedule' | 'atpHorizonDays'>, today: BusinessDate): number {
  return settings.onHandChangeSchedule ? Math.min(settings.atpHorizonDays, daysLeft(today)) : 0;
}
