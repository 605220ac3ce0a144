import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps } from '../app.ts';
import { readPolicy, readSettings } from '../../app/settings/settings.query.ts';
import { updateSettings } from '../../app/settings/update-settings.ts';
import { putPolicies } from '../../app/settings/put-policies.ts';
import { Policy, Settings, SettingsPatch } from '../contracts/settings.contract.ts';

export function settingsRoutes(app: FastifyInstance, { ctx }: HttpDeps): void {
  const db = ctx.database.db;

  app.get('/api/settings', { schema: { tags: ['settings'], response: { 200: Settings } }, config: { access: 'read' } }, async () => readSettings(db));

  app.patch<{ Body: Static<typeof SettingsPatch> }>(
    '/api/settings',
    {
      schema: { tags: ['settings'], description: 'Merges what the body names (nested objects too); audited.', body: SettingsPatch, response: { 200: Settings } },
      config: { access: 'admin' },
    },
    async (req) => updateSettings(ctx, req.actor, req.body),
  );

  app.get('/api/policies', { schema: { tags: ['settings'], response: { 200: Policy } }, config: { access: 'read' } }, async () => readPolicy(db));

  app.put<{ Body: Static<typeof Policy> }>(
    '/api/policies',
    { schema: { tags: ['settings'], body: Policy, response: { 200: Policy } }, config: { access: 'admin' } },
    async (req) => putPolicies(ctx, req.actor, req.body),
  );
}
