/**
 * A batch planned ahead, as it crosses from the planner thread to the writer: plain data, made ready to write in the
 * planner's thread. Copying a graph between threads costs per object and per property (each change is three objects
 * and a data object, about 1.3 KB serialized). On PostgreSQL the write's rows cross as the store prepared them, a
 * few joined columns; on SQLite, whose prepared rows are the changes themselves, the changes cross as flat arrays of
 * primitives and the writer rebuilds only the fields a write reads. Each event's data crosses already written as
 * JSON, which is what the write stores. Outcomes cross counted.
 */
import { eventDataJson } from '../../domain/order/order-line.ts';
import { parseEventData } from '../../domain/order/event-data.ts';
import type { LineChange, LineEvent, OrderLine } from '../../domain/order/order-line.ts';
import type { LineEventType, StatusReason } from '../../domain/order/line-status.ts';
import type { BatchWrite, PlannedBatch } from './job-batch.ts';
import type { StoredLine } from '../../store/repositories/orders.repository.ts';

export interface PlanWire {
  readonly now: number;
  readonly digest: string;
  readonly counts: PlannedBatch['counts'];
  readonly skipped: PlannedBatch['skipped'];
  readonly settles: PlannedBatch['settles'];
  /** The write with its prepared rows as the store made them, or (`flat`) with none: `changes` carries them. */
  readonly write: BatchWrite;
  readonly flat: boolean;
  /** STRIDE values per change, in the order `toWire` writes them (when `flat`). */
  readonly changes: unknown[];
}

const STRIDE = 23;

/**
 * A planned batch as it crosses. Prepared rows that are cheaper to copy than the changes (`preparedCrossThreads`:
 * PostgreSQL's few joined columns) cross as they are; otherwise (SQLite's rows are the changes) the changes cross flat.
 */
export function toWire(planned: PlannedBatch, preparedCrossThreads: boolean): PlanWire {
  const { now, digest, counts, skipped, settles, write } = planned;
  if (preparedCrossThreads) return { now, digest, counts, skipped, settles, write, flat: false, changes: [] };
  const changes: unknown[] = [];
  for (const { before: b, after: a, event: e } of write.prepared.rows as readonly LineChange[]) {
    changes.push(
      b.id, b.orderId, b.lineNumber, b.sku, b.quantity, b.locationId, b.statusReason, b.inventoryAvailabilityDate, b.estimatedShipmentDate, b.launchDate, b.backorderedAt, b.version,
      a.statusReason, a.locationId, a.inventoryAvailabilityDate, a.estimatedShipmentDate, a.launchDate, a.backorderedAt, a.version,
      e.type, e.at, eventDataJson(e), (b as Partial<StoredLine>).rowRef ?? null,
    );
  }
  return { now, digest, counts, skipped, settles, write: { ...write, prepared: { ...write.prepared, rows: null } }, flat: true, changes };
}

export function fromWire(wire: PlanWire): PlannedBatch {
  const { now, digest, counts, skipped, settles, write } = wire;
  if (!wire.flat) return { now, digest, counts, skipped, settles, write };
  const v = wire.changes;
  const changes: LineChange[] = [];
  for (let i = 0; i < v.length; i += STRIDE) {
    const before: OrderLine & Pick<StoredLine, 'rowRef'> = {
      id: v[i] as string,
      orderId: v[i + 1] as string,
      lineNumber: v[i + 2] as number,
      sku: v[i + 3] as string,
      quantity: v[i + 4] as number,
      locationId: v[i + 5] as string | null,
      statusReason: v[i + 6] as StatusReason,
      inventoryAvailabilityDate: v[i + 7] as string | null,
      estimatedShipmentDate: v[i + 8] as string | null,
      launchDate: v[i + 9] as string | null,
      backorderedAt: v[i + 10] as number | null,
      version: v[i + 11] as number,
      rowRef: (v[i + 22] as string | null) ?? undefined,
    };
    const after: OrderLine = {
      id: before.id,
      orderId: before.orderId,
      lineNumber: before.lineNumber,
      sku: before.sku,
      quantity: before.quantity,
      statusReason: v[i + 12] as StatusReason,
      locationId: v[i + 13] as string | null,
      inventoryAvailabilityDate: v[i + 14] as string | null,
      estimatedShipmentDate: v[i + 15] as string | null,
      launchDate: v[i + 16] as string | null,
      backorderedAt: v[i + 17] as number | null,
      version: v[i + 18] as number,
    };
    // An event goes from its line's status before to its status after (moveLine and redateLine make every change).
    const event = new WrittenEvent(before.id, before.orderId, v[i + 19] as LineEventType, before.statusReason, after.statusReason, v[i + 20] as number, v[i + 21] as string);
    changes.push({ before, after, event });
  }
  // The changes cross in the order the store prepared them: they are its rows again.
  return { now, digest, counts, skipped, settles, write: { ...write, prepared: { ...write.prepared, rows: changes } } };
}

/** An event whose data came as JSON: parsed only if something reads it (the write stores the JSON as it is). */
class WrittenEvent implements LineEvent {
  constructor(
    readonly lineId: string,
    readonly orderId: string,
    readonly type: LineEventType,
    readonly from: StatusReason,
    readonly to: StatusReason,
    readonly at: number,
    readonly dataJson: string,
  ) {}

  get data(): Readonly<Record<string, unknown>> {
    return parseEventData(this.dataJson);
  }
}
