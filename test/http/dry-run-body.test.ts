/**
 * The streamed body of a dry run: valid JSON whatever happens, the records as their batches come, the counts
 * (settled as a run's end settles them) after the records; a failure after the first byte ends the body with
 * `error` set and the counts so far; a client that stops reading stops the planning.
 */
import { describe, expect, it } from 'vitest';
import { dryRunBody } from '../../src/http/dry-run-body.ts';
import type { DryRun, DryRunBatch } from '../../src/app/jobs/dry-run.ts';

const record = (lineId: string) => ({
  lineId,
  orderId: 'ord_1',
  sku: 'S',
  locationId: 'EAST',
  quantity: 1,
  from: 'BackorderHold',
  to: 'AwaitingFulfillment',
  inventoryAvailabilityDate: '2028-06-01',
  estimatedShipmentDate: '2028-06-02',
  error: null,
});
const zero = { movedToFulfillment: 0, movedToBackorder: 0, stillOnHold: 0, canceled: 0, failedRecords: 0 };

/** `planned.n`: batches handed out so far; `planned.closed`: the planning was ended (its generator finished or was returned). */
function fake(batches: (DryRunBatch | Error)[], processed: number, planned: { n: number; closed?: boolean } = { n: 0 }): DryRun {
  return {
    jobType: 'backorder',
    startedAt: Date.parse('2028-06-01T09:00:00Z'),
    processed,
    async *batches() {
      try {
        for (const b of batches) {
          planned.n++;
          if (b instanceof Error) throw b;
          yield b;
        }
      } finally {
        planned.closed = true;
      }
    },
  };
}

async function text(stream: NodeJS.ReadableStream): Promise<{ body: string }> {
  const chunks: string[] = [];
  for await (const c of stream) chunks.push(String(c));
  return { body: chunks.join('') };
}

describe('the dry run body', () => {
  it('streams the records batch by batch, then the counts, as one JSON document', async () => {
    const errors: unknown[] = [];
    const { body } = await text(
      dryRunBody(
        fake(
          [
            { records: [record('a'), record('b')], counts: { ...zero, movedToFulfillment: 2 } },
            { records: [], counts: { ...zero, stillOnHold: 3 } },
            { records: [record('c')], counts: { ...zero, movedToFulfillment: 1 } },
          ],
          7,
        ),
        (e) => errors.push(e),
      ),
    );
    expect(JSON.parse(body)).toEqual({
      dryRun: true,
      jobType: 'backorder',
      trigger: 'manual',
      startedAt: '2028-06-01T09:00:00.000Z',
      records: [record('a'), record('b'), record('c')],
      // 6 accounted of 7 in scope: the one no batch saw left the scope (canceled), as finishRun counts it.
      processed: 7,
      movedToFulfillment: 3,
      movedToBackorder: 0,
      stillOnHold: 3,
      canceled: 1,
      failedRecords: 0,
      error: null,
    });
    expect(errors).toEqual([]);
  });

  it('ends with error set and the counts so far when planning fails after the first byte', async () => {
    const errors: unknown[] = [];
    const { body } = await text(dryRunBody(fake([{ records: [record('a')], counts: { ...zero, movedToFulfillment: 1 } }, new Error('the database went away')], 1), (e) => errors.push(e)));
    const parsed = JSON.parse(body);
    expect(parsed.records).toEqual([record('a')]);
    expect(parsed.error).toBe('the dry run stopped: the database went away');
    expect(parsed.movedToFulfillment).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('plans no further ahead of the client than the stream buffer (64 KiB), and stops when the client goes', async () => {
    const planned: { n: number; closed?: boolean } = { n: 0 };
    const many = Array.from({ length: 1000 }, (_, i) => ({ records: [record(`l${i}`)], counts: zero }));
    const stream = dryRunBody(fake(many, 0, planned), () => undefined);
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    await new Promise((r) => setTimeout(r, 50));
    expect(planned.n).toBeLessThan(1000);
    expect(planned.closed).toBeUndefined();
    // The client goes: the planning is ended (its generator returned), not merely left waiting on a full buffer.
    stream.destroy();
    await expect.poll(() => planned.closed, { timeout: 2000 }).toBe(true);
    expect(planned.n).toBeLessThan(1000);
  });
});
