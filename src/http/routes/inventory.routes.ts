import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { ErrorObject } from 'ajv';
import type { HttpDeps } from '../app.ts';
import type { AppContext } from '../../app/context.ts';
import { setOnHand } from '../../app/inventory/set-on-hand.ts';
import { adjustStock } from '../../app/inventory/adjust-stock.ts';
import { deleteSchedule, deleteSchedules, listSchedules, referenceOf, uploadSchedules } from '../../app/inventory/schedules.ts';
import { queryAtpAnywhere, queryAtpJson } from '../../app/inventory/query-atp.ts';
import { getInventory } from '../../app/inventory/inventory.query.ts';
import { referenceErrors } from '../../app/inventory/references.ts';
import { csvProblem, importCsv } from '../../app/inventory/csv-import.ts';
import { Count, NoBody } from '../contracts/common.contract.ts';
import { invalid } from '../../app/errors.ts';
import {
  AdjustmentsBody,
  AtpAnswer,
  AtpQuery,
  Inventory,
  MAX_SCHEDULE_ROWS,
  OnHandBody,
  ScheduleDeleteQuery,
  ScheduleEntry,
  ScheduleItems,
  ScheduleListQuery,
  SchedulePage,
  ScheduleParams,
  SchedulesBody,
  ScheduleUploadQuery,
} from '../contracts/inventory.contract.ts';
import { SkuParams } from '../contracts/catalog.contract.ts';
import { fieldErrorsOf } from '../problem.ts';
import { CSV_BODY_MARK, csvSourceOf, isSpooledCsv } from '../csv-upload.ts';
import { cursorKey } from './cursor.ts';

/** Bulk bodies (JSON or CSV) up to 16 MiB. */
const BULK_LIMIT = 16 * 1024 * 1024;

/**
 * Bulk JSON uploads are validated whole: rows that break the schema and rows naming an unknown sku or location
 * are reported together in one 400 (the first 100, and how many in all), so a client fixes its data in one go.
 */
async function refuseBadRows(req: FastifyRequest, ctx: AppContext): Promise<void> {
  const failure = req.validationError as (Error & { validation?: ErrorObject[]; validationContext?: string }) | undefined;
  if (!failure) return;
  // A bad query parameter or path parameter is said as such (the error handler names it), not as a bad row.
  if (!failure.validation || failure.validationContext !== 'body') throw failure;
  const body: unknown = req.body;
  const rows = Array.isArray(body) ? body.map((r) => (r !== null && typeof r === 'object' ? (r as Record<string, unknown>) : {})) : [];
  const found = [...fieldErrorsOf(failure.validation), ...(await referenceErrors(ctx.database.db, rows))];
  found.sort((a, b) => rowOf(a.path) - rowOf(b.path));
  throw csvProblem(found, found.length, rows.length, 'the body');
}

/**
 * Refuses a JSON array longer than the route takes before its rows are checked: checking every row of a body far
 * over the limit (each error of each row) would hold the event loop for seconds, for an answer that is no anyway.
 */
const refuseOversize = (max: number) => async (req: FastifyRequest) => {
  const body: unknown = req.body;
  if (Array.isArray(body) && body.length > max) {
    throw invalid([{ path: '', message: `must have at most ${max.toLocaleString('en-US')} items` }], `the body has ${body.length.toLocaleString('en-US')} rows; send at most ${max.toLocaleString('en-US')} in one request`);
  }
};

const rowOf = (pointer: string) => Number(/^\/(\d+)/.exec(pointer)?.[1] ?? -1);

export function inventoryRoutes(app: FastifyInstance, { ctx }: HttpDeps): void {
  app.put<{ Body: OnHandBody }>(
    '/api/inventory/on-hand',
    { bodyLimit: BULK_LIMIT, attachValidation: true, preValidation: refuseOversize(OnHandBody.maxItems!), schema: { tags: ['inventory'], body: OnHandBody, response: { 200: Count } }, config: { access: 'inventory' } },
    async (req) => {
      await refuseBadRows(req, ctx);
      return setOnHand(ctx, req.body);
    },
  );

  app.post<{ Body: AdjustmentsBody }>(
    '/api/inventory/adjustments',
    { bodyLimit: BULK_LIMIT, attachValidation: true, preValidation: refuseOversize(AdjustmentsBody.maxItems!), schema: { tags: ['inventory'], body: AdjustmentsBody, response: { 200: Count } }, config: { access: 'inventory' } },
    async (req) => {
      await refuseBadRows(req, ctx);
      return adjustStock(ctx, req.body);
    },
  );

  app.post<{ Body: SchedulesBody; Querystring: Static<typeof ScheduleUploadQuery> }>(
    '/api/inventory/schedules',
    {
      bodyLimit: BULK_LIMIT,
      attachValidation: true,
      preValidation: refuseOversize(MAX_SCHEDULE_ROWS),
      schema: {
        tags: ['inventory'],
        description:
          'A JSON array of entries, or text/csv with the header sku,locationId,date,quantity[,reference] (at most 100,000 rows, 16 MiB). All or nothing; ' +
          'a refused upload lists its first 100 bad rows (with the CSV line) and counts the rest. With ?mode=replace, every (sku, locationId, reference) ' +
          'named in the upload first loses its existing entries, in the same transaction.',
        querystring: ScheduleUploadQuery,
        body: { content: { 'application/json': { schema: SchedulesBody }, 'text/csv': { schema: { type: 'string', description: 'CSV text', [CSV_BODY_MARK]: true } } } },
        response: { 201: ScheduleItems },
      },
      config: { access: 'inventory', accepts: ['application/json', 'text/csv'] },
    },
    async (req, reply) => {
      const replace = req.query.mode === 'replace';
      const body: unknown = req.body;
      if (isSpooledCsv(body)) {
        await refuseBadRows(req, ctx);
        const { items } = await importCsv(ctx, 'schedules', csvSourceOf(body), { replace, maxRows: MAX_SCHEDULE_ROWS, collectItems: true });
        return reply.code(201).send({ items });
      }
      await refuseBadRows(req, ctx);
      const items = await uploadSchedules(
        ctx,
        req.body.map((e) => ({ sku: e.sku, locationId: e.locationId, date: e.date, quantity: e.quantity, reference: referenceOf(e.reference) })),
        { replace },
      );
      return reply.code(201).send({ items });
    },
  );

  app.get<{ Querystring: Static<typeof ScheduleListQuery> }>(
    '/api/inventory/schedules',
    { schema: { tags: ['inventory'], querystring: ScheduleListQuery, response: { 200: SchedulePage } }, config: { access: 'read' } },
    async (req) =>
      listSchedules(ctx, {
        sku: req.query.sku,
        locationId: req.query.locationId,
        reference: req.query.reference,
        after: cursorKey<[string, number]>(req.query.cursor, ['string', 'number']),
        limit: req.query.limit ?? 50,
      }),
  );

  app.delete<{ Querystring: Static<typeof ScheduleDeleteQuery> }>(
    '/api/inventory/schedules',
    {
      schema: {
        tags: ['inventory'],
        description: 'Removes every entry matching all the filters given (at least one).',
        querystring: ScheduleDeleteQuery,
        body: NoBody,
        response: { 200: Count },
      },
      config: { access: 'inventory' },
    },
    async (req) => deleteSchedules(ctx, { sku: req.query.sku, locationId: req.query.locationId, reference: req.query.reference }),
  );

  app.delete<{ Params: Static<typeof ScheduleParams> }>(
    '/api/inventory/schedules/:id',
    { schema: { tags: ['inventory'], params: ScheduleParams, body: NoBody, response: { 200: ScheduleEntry } }, config: { access: 'inventory' } },
    async (req) => deleteSchedule(ctx, req.params.id),
  );

  app.get<{ Params: Static<typeof SkuParams> }>(
    '/api/inventory/:sku',
    { schema: { tags: ['inventory'], params: SkuParams, response: { 200: Inventory } }, config: { access: 'read' } },
    async (req) => getInventory(ctx, req.params.sku),
  );

  app.get<{ Querystring: Static<typeof AtpQuery> }>(
    '/api/atp',
    {
      schema: {
        tags: ['inventory'],
        description: 'With locationId: the per-day table there. Without: the earliest date at every active location (location order) and the earliest anywhere.',
        querystring: AtpQuery,
        response: { 200: AtpAnswer },
      },
      config: { access: 'read' },
    },
    async (req, reply) => {
      const quantity = req.query.quantity ?? 1;
      if (req.query.locationId !== undefined) {
        // The hot read: its text is written by hand, not by the schema serializer (`queryAtpJson`). The answer has
        // exactly the schema's fields.
        return reply.type('application/json; charset=utf-8').send(await queryAtpJson(ctx, req.query.sku, req.query.locationId, quantity));
      }
      const a = await queryAtpAnywhere(ctx, req.query.sku, quantity);
      return { ...a, locations: a.locations.map((l) => ({ locationId: l.locationId, earliestDate: l.earliestDate, available: l.available, atpToday: l.atpToday })) };
    },
  );
}
