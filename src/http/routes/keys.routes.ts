import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps } from '../app.ts';
import type { Role } from '../../app/context.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../app/access/api-keys.ts';
import type { ApiKeyRecord } from '../../app/access/api-keys.ts';
import { ApiKey, ApiKeyBody, ApiKeyListQuery, ApiKeyPage, ApiKeyParams, CreatedApiKey } from '../contracts/keys.contract.ts';
import { NoBody } from '../contracts/common.contract.ts';
import { iso } from '../views.ts';
import { cursorKey } from './cursor.ts';

const keyView = (k: ApiKeyRecord) => ({ ...k, createdAt: iso(k.createdAt), lastUsedAt: k.lastUsedAt === null ? null : iso(k.lastUsedAt) });

/** API keys (admin): list without the keys, create (the key shown once), revoke (401 from the next request on). */
export function keysRoutes(app: FastifyInstance, { ctx, authenticator }: HttpDeps): void {
  app.get<{ Querystring: Static<typeof ApiKeyListQuery> }>(
    '/api/keys',
    { schema: { tags: ['keys'], description: 'Live API keys, newest first (never the keys themselves).', querystring: ApiKeyListQuery, response: { 200: ApiKeyPage } }, config: { access: 'admin' } },
    async (req) => {
      const page = await listApiKeys(ctx, { after: cursorKey<[number, string]>(req.query.cursor, ['number', 'string']), limit: req.query.limit ?? 50 });
      return { items: page.items.map(keyView), nextCursor: page.nextCursor };
    },
  );

  app.post<{ Body: Static<typeof ApiKeyBody> }>(
    '/api/keys',
    { schema: { tags: ['keys'], description: 'Creates a key; the answer carries the key itself, this once.', body: ApiKeyBody, response: { 201: CreatedApiKey } }, config: { access: 'admin' } },
    async (req, reply) => {
      const created = await createApiKey(ctx, req.body.role as Role, req.body.label ?? null);
      return reply.code(201).send({ ...keyView(created), key: created.key });
    },
  );

  app.delete<{ Params: Static<typeof ApiKeyParams> }>(
    '/api/keys/:id',
    { schema: { tags: ['keys'], description: 'Revokes a key: its next request gets 401. The last live admin key cannot be revoked (409): create another admin key first.', params: ApiKeyParams, body: NoBody, response: { 200: ApiKey } }, config: { access: 'admin' } },
    async (req) => {
      const revoked = await revokeApiKey(ctx, req.params.id);
      authenticator.forget(revoked.id);
      return keyView(revoked);
    },
  );
}
