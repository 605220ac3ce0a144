import { Type } from '@sinclair/typebox';
import fastJson from 'fast-json-stringify';
import { describe, expect, it } from 'vitest';
import { Run } from '../../src/http/contracts/jobs.contract.ts';
import { compileSerializer, plainUnions } from '../../src/http/serializer.ts';

const Status = Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]);

describe('response serializers', () => {
  it('writes a union of string literals as a string, and one type or null as that type list', () => {
    expect(plainUnions(Status)).toEqual({ type: 'string' });
    expect(plainUnions(Type.Union([Type.String(), Type.Null()], { description: 'd' }))).toEqual({ type: ['string', 'null'], description: 'd' });
    expect(plainUnions(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]))).toEqual({ type: ['integer', 'null'] });
    expect(plainUnions(Type.Object({ status: Status, count: Type.Integer() }))).toMatchObject({ type: 'object', properties: { status: { type: 'string' }, count: { type: 'integer' } } });
    expect(plainUnions(Type.Array(Status))).toMatchObject({ type: 'array', items: { type: 'string' } });
  });

  it('writes a union of one schema with null as that schema or null, whatever its type', () => {
    expect(plainUnions(Type.Union([Type.Array(Type.String()), Type.Null()]))).toEqual({ type: ['array', 'null'], items: { type: 'string' } });
    expect(plainUnions(Type.Union([Type.String({ format: 'date-time' }), Type.Null()]))).toEqual({ type: ['string', 'null'], format: 'date-time' });
    expect(plainUnions(Type.Union([Type.Object({ s: Status }), Type.Null()]))).toMatchObject({ type: ['object', 'null'], properties: { s: { type: 'string' } } });
  });

  it('keeps unions whose branches are written differently', () => {
    const objects = Type.Union([Type.Object({ a: Type.String() }), Type.Object({ b: Type.Integer() })]);
    expect(plainUnions(objects)).toHaveProperty('anyOf');
    expect(plainUnions(Type.Union([objects, Type.Null()]))).toHaveProperty('anyOf');
    expect(plainUnions(Type.Union([Type.String(), Type.Array(Type.String())]))).toHaveProperty('anyOf');
  });

  it('writes what the stock serializer writes, without trying the branches of a scalar union', () => {
    const run = {
      id: 'run_1',
      jobType: 'backorder',
      trigger: 'manual',
      status: 'succeeded',
      startedAt: '2026-12-06T10:00:00.000Z',
      finishedAt: null,
      processed: 3,
      movedToFulfillment: 1,
      movedToBackorder: 0,
      stillOnHold: 2,
      canceled: 0,
      failedRecords: 0,
      error: null,
      skus: ['A', 'B'],
    };
    const ours = compileSerializer({ schema: Run });
    const stock = fastJson(Run as Parameters<typeof fastJson>[0]);
    expect(ours(run)).toBe(stock(run));
    expect(JSON.parse(ours(run))).toMatchObject({ jobType: 'backorder', trigger: 'manual', status: 'succeeded', finishedAt: null });
    // The stock serializer validates the value against each literal to pick a branch (and refuses one that matches
    // none); ours writes the string as it is, which is what tells that no branch was tried.
    const odd = { ...run, status: 'paused' };
    expect(() => stock(odd)).toThrow();
    expect(JSON.parse(ours(odd)).status).toBe('paused');
    const running = { ...run, status: 'running', finishedAt: null, skus: null };
    expect(ours(running)).toBe(stock(running));
    const dated = { ...run, finishedAt: new Date('2026-12-06T10:00:01.000Z') };
    expect(ours(dated)).toBe(stock(dated));
  });

  it('still picks the branch of a union of objects', () => {
    const schema = Type.Object({ x: Type.Union([Type.Object({ kind: Type.Literal('a'), a: Type.Integer() }, { additionalProperties: false }), Type.Object({ kind: Type.Literal('b'), b: Type.String() })]) });
    const write = compileSerializer({ schema });
    expect(JSON.parse(write({ x: { kind: 'a', a: 1 } }))).toEqual({ x: { kind: 'a', a: 1 } });
    expect(JSON.parse(write({ x: { kind: 'b', b: 'y' } }))).toEqual({ x: { kind: 'b', b: 'y' } });
  });
});
