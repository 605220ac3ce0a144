import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps } from '../app.ts';
import { upsertProduct } from '../../app/catalog/upsert-product.ts';
import { patchProduct } from '../../app/catalog/patch-product.ts';
import { upsertLocation } from '../../app/catalog/upsert-location.ts';
import { getLocation, getProduct, listLocations, listProducts } from '../../app/catalog/catalog.query.ts';
import {
  Location,
  LocationBody,
  LocationListQuery,
  LocationPage,
  LocationParams,
  Product,
  ProductBody,
  ProductListQuery,
  ProductPatch,
  ProductPage,
  SkuParams,
} from '../contracts/catalog.contract.ts';
import { cursorKey } from './cursor.ts';

export function catalogRoutes(app: FastifyInstance, { ctx }: HttpDeps): void {
  app.put<{ Params: Static<typeof SkuParams>; Body: ProductBody }>(
    '/api/products/:sku',
    { schema: { tags: ['catalog'], params: SkuParams, body: ProductBody, response: { 200: Product, 201: Product } }, config: { access: 'admin' } },
    async (req, reply) => {
      const { product, created } = await upsertProduct(ctx, req.params.sku, req.body);
      return reply.code(created ? 201 : 200).send(product);
    },
  );

  app.patch<{ Params: Static<typeof SkuParams>; Body: Static<typeof ProductPatch> }>(
    '/api/products/:sku',
    {
      schema: { tags: ['catalog'], description: 'Changes only the fields named (like PATCH /api/settings).', params: SkuParams, body: ProductPatch, response: { 200: Product } },
      config: { access: 'admin' },
    },
    async (req) => patchProduct(ctx, req.params.sku, req.body),
  );

  app.get<{ Params: Static<typeof SkuParams> }>(
    '/api/products/:sku',
    { schema: { tags: ['catalog'], params: SkuParams, response: { 200: Product } }, config: { access: 'read' } },
    async (req) => getProduct(ctx, req.params.sku),
  );

  app.get<{ Querystring: Static<typeof ProductListQuery> }>(
    '/api/products',
    { schema: { tags: ['catalog'], querystring: ProductListQuery, response: { 200: ProductPage } }, config: { access: 'read' } },
    async (req) => {
      const after = cursorKey<[string]>(req.query.cursor, ['string']);
      return listProducts(ctx, { preorderEligible: req.query.preorderEligible, after: after?.[0], limit: req.query.limit ?? 50 });
    },
  );

  app.put<{ Params: Static<typeof LocationParams>; Body: LocationBody }>(
    '/api/locations/:id',
    { schema: { tags: ['catalog'], params: LocationParams, body: LocationBody, response: { 200: Location, 201: Location } }, config: { access: 'admin' } },
    async (req, reply) => {
      const { location, created } = await upsertLocation(ctx, req.params.id, req.body);
      return reply.code(created ? 201 : 200).send(location);
    },
  );

  app.get<{ Params: Static<typeof LocationParams> }>(
    '/api/locations/:id',
    { schema: { tags: ['catalog'], params: LocationParams, response: { 200: Location } }, config: { access: 'read' } },
    async (req) => getLocation(ctx, req.params.id),
  );

  app.get<{ Querystring: Static<typeof LocationListQuery> }>(
    '/api/locations',
    { schema: { tags: ['catalog'], querystring: LocationListQuery, response: { 200: LocationPage } }, config: { access: 'read' } },
    async (req) => listLocations(ctx, { after: cursorKey<[number, string]>(req.query.cursor, ['int32', 'string']), limit: req.query.limit ?? 50 }),
  );
}
