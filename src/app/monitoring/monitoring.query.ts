/**
 * What monitoring reads (GET /health, GET /metrics): the outbox lag and held line counts. Both are a few index
 * lookups, never a lock, so they answer while jobs run.
 */
import type { AppContext } from '../context.ts';
import { heldLineCounts, oldestWaitingEvents } from '../../store/repositories/monitoring.repository.ts';

/**
 * The outbox lag in seconds: the age, on the service clock, of the oldest event the webhook dispatcher has not
 * handled yet: not fanned out to the subscriptions, or not yet sent once to one of them (a line's event held back
 * behind its earlier event that a receiver keeps failing counts too). 0 when nothing waits. Retries of events
 * already sent once are a receiver's trouble, not the dispatcher's lag, and are left out.
 */
export async function outboxLagSeconds(ctx: AppContext): Promise<number> {
  const { undispatched, untried } = await oldestWaitingEvents(ctx.database.db);
  const oldest = [undispatched, untried].filter((v): v is number => v !== null);
  if (oldest.length === 0) return 0;
  return Math.max(0, (ctx.clock.now() - Math.min(...oldest)) / 1000);
}

export function heldLines(ctx: AppContext): Promise<Record<'PreorderHold' | 'BackorderHold', number>> {
  return heldLineCounts(ctx.database.db);
}
