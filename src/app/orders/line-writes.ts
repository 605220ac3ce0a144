import type { Executor } from '../../store/database.ts';
import type { LineChange } from '../../domain/order/order-line.ts';
import { updateLine } from '../../store/repositories/orders.repository.ts';
import { appendEvents } from '../../store/repositories/events.repository.ts';

/** Writes line changes and their events; the caller's transaction makes them one commit with the stock change. */
export async function writeLineChanges(trx: Executor, changes: readonly LineChange[], now: number): Promise<void> {
  for (const c of changes) await updateLine(trx, c.before, c.after);
  await appendEvents(trx, changes.map((c) => c.event), now);
}
