import type { Executor } from '../../store/database.ts';
import type { LineChange } from '../../domain/order/order-line.ts';
import { updateLines } from '../../store/repositories/orders.repository.ts';
import { appendEvents } from '../../store/repositories/events.repository.ts';

/** Writes line changes and their events; the caller's transaction makes them one commit with the stock change. */
export async function writeLineChanges(trx: Executor, changes: readonly LineChange[], now: number): Promise<void> {
  await updateLines(trx, changes);
  await appendEvents(trx, changes.map((c) => c.event), now);
}
