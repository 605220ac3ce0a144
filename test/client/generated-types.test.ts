/**
 * The committed client sources must be what the routes make now: a route or contract changed without
 * `npm run generate:client` fails here, naming the command.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_FILE, TYPES_FILE, documentText, openApiDocument, typesText } from '../../scripts/openapi-client.ts';

describe('the generated client', () => {
  it('is up to date with the service routes (else run: npm run generate:client)', async () => {
    const doc = await openApiDocument();
    const stale = 'stale: run `npm run generate:client` and commit src/client';
    expect(fs.readFileSync(DOCUMENT_FILE, 'utf8') === documentText(doc), `src/client/openapi.json is ${stale}`).toBe(true);
    expect(fs.readFileSync(TYPES_FILE, 'utf8') === (await typesText(doc)), `src/client/api-types.ts is ${stale}`).toBe(true);
  });

  it('types every route of the document', async () => {
    const doc = await openApiDocument();
    const types = fs.readFileSync(TYPES_FILE, 'utf8');
    const paths = Object.keys(doc.paths ?? {});
    expect(paths.length).toBeGreaterThan(20);
    for (const p of paths) expect(types, p).toContain(`"${p}": {`);
  });
});
