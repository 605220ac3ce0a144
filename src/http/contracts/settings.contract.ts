import { Type } from '@sinclair/typebox';
import { Instant, ListQuery, LocationId, Nullable, Text, pageOf } from './common.contract.ts';

const Cron = Type.String({ minLength: 1, maxLength: 200, description: 'a cron expression (5 or 6 fields)' });
const TimeZone = Type.String({ minLength: 1, maxLength: 100, description: 'an IANA time zone name' });
const SlaDays = Nullable(Type.Integer({ minimum: 1, maximum: 3650 }));
const Horizon = Type.Integer({ minimum: 1, maximum: 365 });

export const Settings = Type.Object({
  onHandChangeSchedule: Type.Boolean(),
  backorders: Type.Boolean(),
  cancellationSlaDays: SlaDays,
  atpHorizonDays: Horizon,
  timeZone: TimeZone,
  jobs: Type.Object({
    backorder: Type.Object({ enabled: Type.Boolean(), cron: Cron, onSupplyChange: Type.Boolean() }),
    preorder: Type.Object({ enabled: Type.Boolean(), cron: Cron }),
  }),
});

const strict = { additionalProperties: false } as const;
export const SettingsPatch = Type.Object(
  {
    onHandChangeSchedule: Type.Optional(Type.Boolean()),
    backorders: Type.Optional(Type.Boolean()),
    cancellationSlaDays: Type.Optional(SlaDays),
    atpHorizonDays: Type.Optional(Horizon),
    timeZone: Type.Optional(TimeZone),
    jobs: Type.Optional(
      Type.Object(
        {
          backorder: Type.Optional(
            Type.Object({ enabled: Type.Optional(Type.Boolean()), cron: Type.Optional(Cron), onSupplyChange: Type.Optional(Type.Boolean()) }, strict),
          ),
          preorder: Type.Optional(Type.Object({ enabled: Type.Optional(Type.Boolean()), cron: Type.Optional(Cron) }, strict)),
        },
        strict,
      ),
    ),
  },
  strict,
);

const Values = Type.Array(Text(100), { maxItems: 1000 });
export const Policy = Type.Object(
  {
    rules: Type.Array(
      Type.Object(
        {
          name: Text(200),
          match: Type.Object(
            { country: Type.Optional(Values), region: Type.Optional(Values), channel: Type.Optional(Values), skuPrefix: Type.Optional(Values) },
            strict,
          ),
          locationIds: Type.Array(LocationId, { minItems: 1, maxItems: 1000 }),
        },
        strict,
      ),
      { maxItems: 1000 },
    ),
  },
  strict,
);

export const ClockBody = Type.Object({ now: Instant }, strict);
export const ClockAnswer = Type.Object({ now: Instant, manual: Type.Boolean() });

export const AuditQuery = Type.Object({ ...ListQuery, key: Type.Optional(Type.Union([Type.Literal('settings'), Type.Literal('policies')])) }, strict);
export const AuditPage = pageOf(
  Type.Object({ id: Type.Integer(), key: Type.String(), actor: Type.String({ description: 'the API key id' }), at: Instant, before: Type.Unknown(), after: Type.Unknown() }),
);
