/**
 * A batch planned ahead, as it crosses from the planner thread to the writer: flat arrays of primitives instead of
 * the plan's object graph. Copying a graph between threads costs per object and per property (each change is three
 * objects and a data object, about 1.3 KB serialized); a flat array costs per value, and the writer rebuilds only
 * the fields a write reads. Each event's data crosses already written as JSON, which is what the write stores.
 */
import type { JobOutcome, JobPlan } from '../../domain/holds/job-plan.ts';
import { eventDataJson } from '../../domain/order/order-line.ts';
import { parseEventData } from '../../domain/order/event-data.ts';
import type { LineChange, LineEvent, OrderLine } from '../../domain/order/order-line.ts';
import type { LineEventType, StatusReason } from '../../domain/order/line-status.ts';
import type { PlannedBatch } from './job-batch.ts';
import type { StoredLine } from '../../store/repositories/orders.repository.ts';

export interface PlanWire {
  readonly now: number;
  readonly digest: string;
  /** STRIDE values per change, in the order `toWire` writes them. */
  readonly changes: unknown[];
  /** Line id, outcome, line id, outcome, ... */
  readonly outcomes: string[];
  readonly skipped: PlannedBatch['skipped'];
  readonly settles: PlannedBatch['settles'];
}

const STRIDE = 23;

export function toWire(planned: PlannedBatch): PlanWire {
  const changes: unknown[] = [];
  for (const { before: b, after: a, event: e } of planned.plan.changes) {
    changes.push(
      b.id, b.orderId, b.lineNumber, b.sku, b.quantity, b.locationId, b.statusReason, b.inventoryAvailabilityDate, b.estimatedShipmentDate, b.launchDate, b.backorderedAt, b.version,
      a.statusReason, a.locationId, a.inventoryAvailabilityDate, a.estimatedShipmentDate, a.launchDate, a.backorderedAt, a.version,
      e.type, e.at, eventDataJson(e), (b as Partial<StoredLine>).rowRef ?? null,
    );
  }
  const outcomes: string[] = [];
  for (const [lineId, outcome] of planned.plan.outcomes) outcomes.push(lineId, outcome);
  return { now: planned.now, digest: planned.digest, changes, outcomes, skipped: planned.skipped, settles: planned.settles };
}

export function fromWire(wire: PlanWire): PlannedBatch {
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
  const outcomes = new Map<string, JobOutcome>();
  for (let i = 0; i < wire.outcomes.length; i += 2) outcomes.set(wire.outcomes[i]!, wire.outcomes[i + 1] as JobOutcome);
  const plan: JobPlan = { changes, outcomes };
  return { plan, now: wire.now, digest: wire.digest, skipped: wire.skipped, settles: wire.settles };
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
