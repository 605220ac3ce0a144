/** Why a line has its dates (SPEC section 11), the doctor's findings and dry runs of the jobs (SPEC section 5). */
import { Type } from '@sinclair/typebox';
import { BusinessDate, Id, Instant, Nullable } from './common.contract.ts';
import { JOB_TYPES } from '../../domain/holds/job-kind.ts';
import { LINE_STATES, STATUS_REASONS } from '../../domain/order/line-status.ts';
import { RunRecord } from './jobs.contract.ts';

const JobTypeName = Type.Union(JOB_TYPES.map((t) => Type.Literal(t)));
const Reason = Type.Union(STATUS_REASONS.map((r) => Type.Literal(r)));
const Count = Type.Object({ lines: Type.Integer(), quantity: Type.Integer() });

export const PromiseParams = Type.Object({ id: Id });

export const LinePromise = Type.Object(
  {
    lineId: Id,
    orderId: Id,
    lineNumber: Type.Integer(),
    sku: Type.String(),
    quantity: Type.Integer(),
    state: Type.Union(LINE_STATES.map((s) => Type.Literal(s))),
    statusReason: Reason,
    launchDate: Nullable(BusinessDate),
    today: BusinessDate,
    horizonDays: Type.Integer({ description: 'H: the last day counted is today + H (0 while the on-hand change schedule is off)' }),
    stored: Type.Object({ locationId: Nullable(Type.String()), inventoryAvailabilityDate: Nullable(BusinessDate), estimatedShipmentDate: Nullable(BusinessDate) }, { description: 'the dates the line carries now' }),
    queue: Nullable(
      Type.Object({
        position: Type.Integer({ description: '1-based place among the held lines of the sku in priority order' }),
        ahead: Count,
        expiringAhead: Type.Composite([Count], { description: 'of the lines ahead, those the next backorder run cancels first (SLA run out): they take no supply' }),
      }),
    ),
    locations: Type.Array(
      Type.Object({
        locationId: Type.String(),
        earliestDate: Nullable(BusinessDate),
        days: Type.Array(Type.Object({ date: BusinessDate, supply: Type.Integer(), promisedAhead: Type.Integer(), projected: Type.Integer(), atp: Type.Integer() })),
      }),
      { description: 'each candidate location in location order: the ATP table with only the held lines ahead promised' },
    ),
    otherLocations: Type.Array(Type.Object({ locationId: Type.String(), earliestDate: Nullable(BusinessDate) }), {
      description: 'active locations the fulfillment policy does not make candidates for this line, with the date they would give',
    }),
    next: Nullable(
      Type.Object(
        {
          jobType: JobTypeName,
          statusReason: Reason,
          locationId: Nullable(Type.String()),
          inventoryAvailabilityDate: Nullable(BusinessDate),
          estimatedShipmentDate: Nullable(BusinessDate),
        },
        { description: 'what the next run of the job that moves the line gives it (equal to a dry run of that job)' },
      ),
    ),
    explanation: Type.String(),
    reservation: Nullable(Type.Object({ locationId: Nullable(Type.String()), quantity: Type.Integer(), since: Instant })),
    decidedBy: Nullable(
      Type.Object(
        {
          from: Reason,
          to: Reason,
          at: Instant,
          runId: Nullable(Type.String()),
          jobType: Nullable(Type.String()),
          trigger: Nullable(Type.String()),
          actor: Nullable(Type.String()),
        },
        { description: 'for a line no longer held: the move that decided it' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const IntegrityProblem = Type.Object({
  kind: Type.String(),
  sku: Type.Optional(Type.String()),
  locationId: Type.Optional(Type.String()),
  lineId: Type.Optional(Type.String()),
  date: Type.Optional(BusinessDate),
  detail: Type.String(),
});

export const IntegrityReport = Type.Object({
  ok: Type.Boolean(),
  problems: Type.Array(IntegrityProblem),
  truncated: Type.Boolean({ description: 'true when a kind had more problems than are listed' }),
});

export const IntegrityRepair = Type.Object({
  reserved: Type.Integer({ description: "stock rows whose reserved was corrected (or added for a released line's location)" }),
  promised: Type.Integer({ description: 'promised quantities corrected, added or removed' }),
  heldCounts: Type.Integer({ description: 'products whose counts of held lines were corrected' }),
  changes: Type.Array(
    Type.Object({
      subject: Type.Union([Type.Literal('reserved'), Type.Literal('promised'), Type.Literal('held_backorder'), Type.Literal('held_preorder')]),
      sku: Type.String(),
      locationId: Type.Union([Type.String(), Type.Null()], { description: 'null for a count of held lines, which is the whole product' }),
      date: Type.Union([BusinessDate, Type.Null()], { description: 'the promise date, for a promised quantity' }),
      before: Type.Union([Type.Integer(), Type.Null()], { description: 'null when there was no row' }),
      after: Type.Integer(),
    }),
    { description: 'the corrections, as recorded in integrity_repairs (at most 1,000)' },
  ),
  changesTruncated: Type.Boolean({ description: 'true when there were more corrections than are listed' }),
  after: IntegrityReport,
});

export const DryRun = Type.Object(
  {
    dryRun: Type.Literal(true),
    jobType: JobTypeName,
    trigger: Type.Literal('manual'),
    startedAt: Instant,
    processed: Type.Integer(),
    records: Type.Array(RunRecord),
    movedToFulfillment: Type.Integer(),
    movedToBackorder: Type.Integer(),
    stillOnHold: Type.Integer(),
    canceled: Type.Integer(),
    failedRecords: Type.Integer(),
    error: Nullable(Type.String()),
  },
  { description: 'what a manual run started now would do; nothing is written. Streamed: the counts follow the records.' },
);
