import { Type } from '@sinclair/typebox';
import { BusinessDate, Instant, Nullable, Sku } from './common.contract.ts';
import { STATUS_REASONS } from '../../domain/order/line-status.ts';
import { AGE_BUCKETS } from '../../app/reports/overview.query.ts';
import { ROLES } from '../../app/context.ts';

export const Session = Type.Object(
  {
    keyId: Type.String({ description: 'the id of the API key that made the request' }),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  },
  { description: 'Who the calling key is: the console asks once at sign-in to learn what to offer.' },
);

const Count = { lines: Type.Integer(), units: Type.Integer() };

export const Overview = Type.Object({
  now: Instant,
  today: BusinessDate,
  statusReasons: Type.Array(Type.Object({ statusReason: Type.Union(STATUS_REASONS.map((s) => Type.Literal(s))), ...Count })),
  backorderAgeing: Type.Array(
    Type.Object({ bucket: Type.Union(AGE_BUCKETS.map((b) => Type.Literal(b)), { description: 'whole days since backorderedAt' }), ...Count }),
  ),
  preorderDemand: Type.Array(
    Type.Object({
      sku: Sku,
      name: Type.String(),
      launchDate: Nullable(BusinessDate),
      onHold: Type.Integer({ description: 'units on Preorder Hold' }),
      heldLines: Type.Integer(),
      receiptsByLaunch: Type.Integer({ description: 'units scheduled to arrive after today, up to and including the launch date' }),
      receiptsAfterLaunch: Type.Integer({ description: 'units scheduled to arrive after the launch date' }),
    }),
  ),
});
