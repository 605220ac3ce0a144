/**
 * `holdfast/client` as another project sees it: the package's `exports` point at compiled JavaScript with its
 * declarations, it imports in plain Node, and a consumer's wrong use of a route fails to type-check.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

describe('holdfast/client', () => {
  let dir: string;
  beforeAll(() => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const entry = pkg.exports['./client'];
    for (const file of [entry.import, entry.types]) {
      expect(fs.existsSync(path.join(ROOT, file)), `${file} is missing: run npm run build`).toBe(true);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-consumer-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'holdfast'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [] } }),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('imports in Node from the compiled output', () => {
    const out = execFileSync(process.execPath, ['-e', "import('holdfast/client').then((m) => console.log(typeof m.createHoldfastClient))"], { cwd: dir, encoding: 'utf8' });
    expect(out.trim()).toBe('function');
  });

  it('type-checks a correct consumer and refuses a wrong one', () => {
    const good = `import { createHoldfastClient } from 'holdfast/client';
const api = createHoldfastClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: 'k' });
const r = await api.GET('/api/orders/{id}', { params: { path: { id: 'o1' } } });
if (r.data) { const reason: string = r.data.lines[0]!.statusReason; console.log(reason); }
const p = await api.PATCH('/api/settings', { body: { backorders: true } });
if (p.data) { const on: boolean = p.data.backorders; console.log(on, p.response.status); }
`;
    fs.writeFileSync(path.join(dir, 'consumer.ts'), good);
    execFileSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });

    fs.writeFileSync(path.join(dir, 'consumer.ts'), `${good}const q = await api.GET('/api/orders');\nif (q.data) { const n: number = q.data.items[0]!.externalId; console.log(n); }\n`);
    let output = '';
    try {
      execFileSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    expect(output).toContain("Type 'string' is not assignable to type 'number'");
  });
});
