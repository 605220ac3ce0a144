import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps } from '../app.ts';
import { readPolicy, readSettings, settingsAudit } from '../../app/settings/settings.query.ts';
import { updateSettings } from '../../app/settings/update-settings.ts';
import { putPolicies } from '../../app/settings/put-policies.ts';
import { AuditPage, AuditQuery, Policy, Settings, SettingsPatch } from '../contracts/settings.contract.ts';
import { iso } from '../views.ts';
import { cursorKey } from './cursor.ts';

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

  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/api/settings/audit',
    {
      schema: { tags: ['settings'], description: 'Who changed the settings (or, with ?key=policies, the policies), when, before and after; newest first.', querystring: AuditQuery, response: { 200: AuditPage } },
      config: { access: 'read' },
    },
    async (req) => {
      const before = cursorKey<[number]>(req.query.cursor, ['number']);
      const page = await settingsAudit(db, req.query.key ?? 'settings', { before: before?.[0], limit: req.query.limit ?? 50 });
      return { items: page.items.map((e) => ({ ...e, at: iso(e.at) })), nextCursor: page.nextCursor };
    },
  );
}
