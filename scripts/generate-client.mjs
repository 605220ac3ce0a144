#!/usr/bin/env node
// Writes src/client/openapi.json and src/client/api-types.ts from the service's routes (see scripts/openapi-client.ts).
import fs from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { openApiDocument, documentText, typesText, DOCUMENT_FILE, TYPES_FILE } = await import('./openapi-client.ts');
const doc = await openApiDocument();
fs.writeFileSync(DOCUMENT_FILE, documentText(doc));
fs.writeFileSync(TYPES_FILE, await typesText(doc));
console.log(`wrote ${DOCUMENT_FILE} and ${TYPES_FILE} (${Object.keys(doc.paths ?? {}).length} paths)`);
