import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, horizonOf, mergeSettings } from './settings.ts';
import type { Settings } from './settings.ts';

describe('DEFAULT_SETTINGS (SPEC section 6)', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_SETTINGS).toEqual({
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
  });
});

describe('mergeSettings (a PATCH merges what it names, nested objects too)', () => {
  it('merges nested objects key by key', () => {
    const merged = mergeSettings<Settings>(DEFAULT_SETTINGS, { jobs: { backorder: { onSupplyChange: false } } });
    expect(merged.jobs).toEqual({
      backorder: { enabled: true, cron: '*/15 * * * *', onSupplyChange: false },
      preorder: { enabled: true, cron: '0 * * * *' },
    });
    expect(merged.atpHorizonDays).toBe(90);
  });

  it('replaces scalars, and null replaces a value', () => {
    const withSla = mergeSettings<Settings>(DEFAULT_SETTINGS, { cancellationSlaDays: 9, backorders: true, timeZone: 'America/New_York' });
    expect(withSla).toEqual({ ...DEFAULT_SETTINGS, cancellationSlaDays: 9, backorders: true, timeZone: 'America/New_York' });
    expect(mergeSettings<Settings>(withSla, { cancellationSlaDays: null }).cancellationSlaDays).toBeNull();
  });

  it('leaves what the patch does not name, and an empty patch changes nothing', () => {
    expect(mergeSettings<Settings>(DEFAULT_SETTINGS, {})).toEqual(DEFAULT_SETTINGS);
    expect(mergeSettings<Settings>(DEFAULT_SETTINGS, undefined)).toEqual(DEFAULT_SETTINGS);
  });

  it('does not mutate the base', () => {
    const base = structuredClone(DEFAULT_SETTINGS) as Settings;
    mergeSettings<Settings>(base, { backorders: true, jobs: { preorder: { cron: '5 * * * *' } } });
    expect(base).toEqual(DEFAULT_SETTINGS);
  });

  it('successive patches compose', () => {
    const a = mergeSettings<Settings>(DEFAULT_SETTINGS, { jobs: { preorder: { enabled: false } } });
    const b = mergeSettings<Settings>(a, { jobs: { preorder: { cron: '30 * * * *' } } });
    expect(b.jobs.preorder).toEqual({ enabled: false, cron: '30 * * * *' });
  });
});

describe('horizonOf (SPEC section 2: with the schedule off the horizon is day 0 alone)', () => {
  it('is atpHorizonDays with the schedule on, 0 with it off', () => {
    expect(horizonOf({ onHandChangeSchedule: true, atpHorizonDays: 90 }, '2028-06-01')).toBe(90);
    expect(horizonOf({ onHandChangeSchedule: true, atpHorizonDays: 1 }, '2028-06-01')).toBe(1);
    expect(horizonOf({ onHandChangeSchedule: false, atpHorizonDays: 90 }, '2028-06-01')).toBe(0);
  });

  it('ends at 9999-12-31: the last days of the calendar have a shorter horizon', () => {
    expect(horizonOf({ onHandChangeSchedule: true, atpHorizonDays: 90 }, '9999-12-30')).toBe(1);
    expect(horizonOf({ onHandChangeSchedule: true, atpHorizonDays: 2 }, '9999-12-31')).toBe(0);
    expect(horizonOf({ onHandChangeSchedule: true, atpHorizonDays: 365 }, '9999-01-01')).toBe(364);
  });
});
