/**
 * PATCH of the settings: merges what it names (nested objects too), checks the result as a whole and writes it
 * with an audit row (who, when, before, after). Nothing is written when any part is refused, or when nothing changes.
 */
import { Cron } from 'croner';
import { invalid } from '../errors.ts';
import type { FieldError } from '../errors.ts';
import type { Actor, AppContext } from '../context.ts';
import { SETTINGS_KEY, readSettings } from './settings.query.ts';
import { isTimeZone } from '../../domain/calendar/business-date.ts';
import { mergeSettings } from '../../domain/settings/settings.ts';
import type { Settings, SettingsPatch } from '../../domain/settings/settings.ts';
import { lockConfig, writeConfig } from '../../store/repositories/config.repository.ts';
import { canonicalJson } from '../canonical.ts';

/** What is wrong with a cron expression, in plain words with what is allowed; null when it is one. */
export function cronError(expression: string): string | null {
  try {
    new Cron(expression, { paused: true });
    return null;
  } catch (error) {
    // croner's own words say which part is wrong ("Invalid value for minute: 61"); its class name is dropped.
    const why = (error as Error).message.replace(/^CronPattern:\s*/, '').replace(/\.$/, '');
    return `must be a cron expression of 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), e.g. "0 2 * * *" (${why})`;
  }
}

function check(s: Settings): FieldError[] {
  const errors: FieldError[] = [];
  if (!isTimeZone(s.timeZone)) errors.push({ path: '/timeZone', message: `"${s.timeZone}" is not an IANA time zone name` });
  for (const job of ['backorder', 'preorder'] as const) {
    const problem = cronError(s.jobs[job].cron);
    if (problem) errors.push({ path: `/jobs/${job}/cron`, message: problem });
  }
  return errors;
}

export async function updateSettings(ctx: AppContext, actor: Actor, patch: SettingsPatch): Promise<Settings> {
  return ctx.database.transaction(async (trx) => {
    await lockConfig(trx, ctx.database.store, SETTINGS_KEY, ctx.clock.now());
    const before = await readSettings(trx);
    const after = mergeSettings(before, patch);
    const errors = check(after);
    if (errors.length) throw invalid(errors);
    // A patch that changes nothing writes nothing: no new version, no audit row. (Restating a default value then
    // leaves it a default: a release that changes the default changes it too, as for a value never set.)
    if (canonicalJson(before) === canonicalJson(after)) return after;
    await writeConfig(trx, SETTINGS_KEY, after, before, actor.id, ctx.clock.now());
    return after;
  });
}
