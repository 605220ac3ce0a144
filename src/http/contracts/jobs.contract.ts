import { Type } from '@sinclair/typebox';
import { BusinessDate, Id, Instant, ListQuery, Nullable, pageOf } from './common.contract.ts';
import { JOB_TYPES } from '../../domain/holds/job-kind.ts';

const JobTypeName = Type.Union(JOB_TYPES.map((t) => Type.Literal(t)));

export const Run = Type.Object({
  id: Id,
  jobType: JobTypeName,
  trigger: Type.Union([Type.Literal('scheduled'), Type.Literal('manual'), Type.Literal('event')]),
  status: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  startedAt: Instant,
  finishedAt: Nullable(Instant),
  processed: Type.Integer({ description: 'lines in scope when the run started' }),
  movedToFulfillment: Type.Integer(),
  movedToBackorder: Type.Integer(),
  stillOnHold: Type.Integer(),
  canceled: Type.Integer(),
  failedRecords: Type.Integer(),
  error: Nullable(Type.String()),
  skus: Nullable(Type.Array(Type.String(), { description: 'the skus an event run covers; null for every sku' })),
});

export const RunRecord = Type.Object({
  lineId: Id,
  orderId: Id,
  sku: Type.String(),
  locationId: Nullable(Type.String()),
  quantity: Type.Integer(),
  from: Type.String(),
  to: Type.String(),
  inventoryAvailabilityDate: Nullable(BusinessDate),
  estimatedShipmentDate: Nullable(BusinessDate),
  error: Nullable(Type.String()),
});

export const RunDetails = Type.Composite([Run, Type.Object({ records: pageOf(RunRecord) })]);

export const JobList = Type.Object({
  items: Type.Array(
    Type.Object({
      jobType: JobTypeName,
      enabled: Type.Boolean(),
      cron: Type.String(),
      onSupplyChange: Type.Optional(Type.Boolean()),
      nextRunAt: Nullable(Instant),
      lastRun: Nullable(Run),
    }),
  ),
});

export const JobParams = Type.Object({ jobType: Type.String({ minLength: 1, maxLength: 50 }) });
export const RunParams = Type.Object({ id: Id });
export const RunNowQuery = Type.Object(
  {
    wait: Type.Optional(Type.Boolean({ default: false })),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'answer 200 with what a run started now would do, writing nothing' })),
  },
  { additionalProperties: false },
);
export const RunListQuery = Type.Object(
  {
    ...ListQuery,
    jobType: Type.Optional(JobTypeName),
    status: Type.Optional(Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')])),
  },
  { additionalProperties: false },
);
export const RunPage = pageOf(Run);
export const RunDetailsQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });
