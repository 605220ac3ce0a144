import { Type } from '@sinclair/typebox';
import { Id, Instant, ListQuery, Nullable, Text, pageOf } from './common.contract.ts';
import { ROLES } from '../../app/context.ts';

const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const ApiKey = Type.Object({
  id: Id,
  role: RoleName,
  label: Nullable(Type.String()),
  createdAt: Instant,
  lastUsedAt: Nullable(Instant),
});
export const CreatedApiKey = Type.Composite([ApiKey, Type.Object({ key: Type.String({ description: 'the key itself: shown this once, stored only hashed' }) })]);
export const ApiKeyBody = Type.Object({ role: RoleName, label: Type.Optional(Nullable(Text(200))) }, { additionalProperties: false });
export const ApiKeyParams = Type.Object({ id: Id });
export const ApiKeyListQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });
export const ApiKeyPage = pageOf(ApiKey);
