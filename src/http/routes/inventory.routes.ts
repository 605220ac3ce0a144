import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps } from '../app.ts';
import { invalid } from '../../app/errors.ts';
import type { FieldError } from '../../app/errors.ts';
import { setOnHand } from '../../app/inventory/set-on-hand.ts';
import { adjustStock } from '../../app/inventory/adjust-stock.ts';
import { deleteSchedule, listSchedules, uploadSchedules } from '../../app/inventory/schedules.ts';
import { queryAtp } from '../../app/inventory/query-atp.ts';
import { getInventory } from '../../app/inventory/inventory.query.ts';
import { Count } from '../contracts/common.contract.ts';
import {
  AdjustmentsBody,
  AtpAnswer,
  AtpQuery,
  Inventory,
  OnHandBody,
  ScheduleEntry,
  ScheduleItems,
  ScheduleListQuery,
  SchedulePage,
  ScheduleParams,
  SchedulesBody,
} from '../contracts/inventory.contract.ts';
import { SkuParams } from '../contracts/catalog.contract.ts';
import { csvRecords, withCsvLines } from '../csv.ts';
import { fieldErrorsOf } from '../problem.ts';
import { referenceErrors } from '../../app/inventory/references.ts';
import type { AppContext } from '../../app/context.ts';
import type { ErrorObject } from 'ajv';
import { cursorKey } from './cursor.ts';

const CSV_COLUMNS = ['sku', 'locationId', 'date', 'quantity', 'reference'];
const BULK_LIMIT = 32 * 1024 * 1024;

/** A text/csv upload becomes the JSON rows the body schema checks, so both forms fail alike, row by row. */
async function csvToRows(req: FastifyRequest): Promise<void> {
  if (typeof req.body !== 'string') return;
  const { header, records } = csvRecords(req.body, ['quantity']);
  const required = CSV_COLUMNS.slice(0, 4);
  const missing = required.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !CSV_COLUMNS.includes(c));
  if (missing.length || unknown.length) {
    throw invalid(
      [
        ...missing.map((c): FieldError => ({ path: '', message: `the CSV header lacks "${c}"` })),
        ...unknown.map((c): FieldError => ({ path: '', message: `the CSV header has an unknown column "${c}"` })),
      ],
      `the CSV header must be ${CSV_COLUMNS.join(',')}`,
    );
  }
  req.body = records;
  (req as CsvRequest).fromCsv = true;
}

type CsvRequest = FastifyRequest & { fromCsv?: boolean };

/**
 * Bulk uploads are validated whole: rows that break the schema and rows naming an unknown sku or location are
 * reported together in one 400, so a client fixes its file in one go.
 */
async function refuseBadRows(req: FastifyRequest, ctx: AppContext): Promise<void> {
  const failure = req.validationError as (Error & { validation?: ErrorObject[] }) | undefined;
  if (!failure) return;
  if (!failure.validation) throw failure;
  const body: unknown = req.body;
  const rows = Array.isArray(body) ? body.map((r) => (r !== null && typeof r === 'object' ? (r as Record<string, unknown>) : {})) : [];
  const found = [...fieldErrorsOf(failure.validation), ...(await referenceErrors(ctx.database.db, rows))];
  const errors = (req as CsvRequest).fromCsv ? withCsvLines(found) : found;
  throw invalid(errors, `invalid body: ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
}

export function inventoryRoutes(app: FastifyInstance, { ctx }: HttpDeps): void {
  app.put<{ Body: OnHandBody }>(
    '/api/inventory/on-hand',
    { bodyLimit: BULK_LIMIT, attachValidation: true, schema: { tags: ['inventory'], body: OnHandBody, response: { 200: Count } }, config: { access: 'inventory' } },
    async (req) => {
      await refuseBadRows(req, ctx);
      return setOnHand(ctx, req.body);
    },
  );

  app.post<{ Body: AdjustmentsBody }>(
    '/api/inventory/adjustments',
    { bodyLimit: BULK_LIMIT, attachValidation: true, schema: { tags: ['inventory'], body: AdjustmentsBody, response: { 200: Count } }, config: { access: 'inventory' } },
    async (req) => {
      await refuseBadRows(req, ctx);
      return adjustStock(ctx, req.body);
    },
  );

  app.post<{ Body: SchedulesBody }>(
    '/api/inventory/schedules',
    {
      bodyLimit: BULK_LIMIT,
      attachValidation: true,
      preValidation: csvToRows,
      schema: {
        tags: ['inventory'],
        description: 'A JSON array of entries, or text/csv with the header sku,locationId,date,quantity,reference. All or nothing.',
        body: SchedulesBody,
        response: { 201: ScheduleItems },
      },
      config: { access: 'inventory' },
    },
    async (req, reply) => {
      await refuseBadRows(req, ctx);
      const items = await uploadSchedules(
        ctx,
        req.body.map((e) => ({ sku: e.sku, locationId: e.locationId, date: e.date, quantity: e.quantity, reference: e.reference ?? null })),
      );
      return reply.code(201).send({ items });
    },
  );

  app.get<{ Querystring: Static<typeof ScheduleListQuery> }>(
    '/api/inventory/schedules',
    { schema: { tags: ['inventory'], querystring: ScheduleListQuery, response: { 200: SchedulePage } }, config: { access: 'read' } },
    async (req) =>
      listSchedules(ctx, { sku: req.query.sku, after: cursorKey<[string, number]>(req.query.cursor, ['string', 'number']), limit: req.query.limit ?? 50 }),
  );

  app.delete<{ Params: Static<typeof ScheduleParams> }>(
    '/api/inventory/schedules/:id',
    { schema: { tags: ['inventory'], params: ScheduleParams, response: { 200: ScheduleEntry } }, config: { access: 'inventory' } },
    async (req) => deleteSchedule(ctx, req.params.id),
  );

  app.get<{ Params: Static<typeof SkuParams> }>(
    '/api/inventory/:sku',
    { schema: { tags: ['inventory'], params: SkuParams, response: { 200: Inventory } }, config: { access: 'read' } },
    async (req) => getInventory(ctx, req.params.sku),
  );

  app.get<{ Querystring: Static<typeof AtpQuery> }>(
    '/api/atp',
    { schema: { tags: ['inventory'], querystring: AtpQuery, response: { 200: AtpAnswer } }, config: { access: 'read' } },
    async (req) => queryAtp(ctx, req.query.sku, req.query.locationId, req.query.quantity ?? 1),
  );
}
