/**
 * `text/csv` bodies: written to a temporary file as they arrive, counting bytes against the route's limit, so a
 * large upload never sits in memory and a too-large one is refused (413) as soon as it passes the limit. The
 * handler reads the file as a stream (src/app/inventory/csv-import.ts); it is removed when the answer is sent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../app/errors.ts';
import type { CsvSource } from '../app/inventory/csv-import.ts';

export interface SpooledCsv {
  readonly spooledCsv: true;
  readonly file: string;
  readonly bytes: number;
}

/** Marks a route's `text/csv` body schema: such a body is a spooled file, not text, when it is validated. */
export const CSV_BODY_MARK = 'x-holdfast-spooled';

export const isSpooledCsv = (body: unknown): body is SpooledCsv => typeof body === 'object' && body !== null && (body as SpooledCsv).spooledCsv === true;

/** The spooled upload as a source the CSV import can read (twice: check, then write). */
export const csvSourceOf = (spool: SpooledCsv): CsvSource => () => fs.createReadStream(spool.file);

export function spoolCsv(request: FastifyRequest, payload: NodeJS.ReadableStream): Promise<SpooledCsv> {
  const limit = request.routeOptions.bodyLimit ?? 1_048_576;
  const file = path.join(os.tmpdir(), `holdfast-upload-${process.pid}-${randomBytes(8).toString('hex')}.csv`);
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(file, { mode: 0o600 });
    let bytes = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      // Stop reading without destroying the request: the answer still has to go out on this connection.
      payload.pause();
      out.destroy();
      fs.rm(file, { force: true }, () => reject(error));
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) return fail(new AppError('payload_too_large', `the CSV is larger than ${Math.round(limit / 1_048_576)} MiB; send it in parts, or import the whole file with npx holdfast import schedules, which takes any size`));
      if (!out.write(chunk)) {
        payload.pause();
        out.once('drain', () => payload.resume());
      }
    };
    const onEnd = () => out.end(() => (failed ? undefined : resolve({ spooledCsv: true, file, bytes })));
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', (e: Error) => fail(e));
    out.on('error', (e) => fail(e));
  });
}

/** Removes a request's spooled upload, if it had one. */
export async function removeSpool(request: FastifyRequest): Promise<void> {
  if (isSpooledCsv(request.body)) await fs.promises.rm(request.body.file, { force: true });
}
