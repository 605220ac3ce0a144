/**
 * The layers (STYLE.md, issue 14.7): src/http, src/jobs and src/cli never import src/store; they go through the
 * use cases and queries of src/app (which re-exports what they need: OrderWithLines, JobRun, Page, worker threads,
 * a context for the planner's thread...). src/app imports none of the layers above it. The domain imports nothing
 * of the other layers and no package or Node module (no I/O), and reads no clock, randomness or process state: its
 * test files and their test supports may import the test libraries. Checked on every import and re-export
 * statement, dynamic imports included. The composition roots (src/core.ts, src/service.ts) wire the layers
 * together and are not checked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function specifiersOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

/** Where each relative import of a file points, as a path under src/. */
function importsOf(file: string): string[] {
  return specifiersOf(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)));
}

const isTestFile = (file: string) => /\.test(-support)?\.ts$/.test(file);
const TEST_LIBRARIES = ['vitest', 'fast-check'];

/** Packages and Node modules the domain's files import (test files may import the test libraries). */
function domainPackageImports(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    specifiersOf(file)
      .filter((s) => !s.startsWith('.') && !(isTestFile(file) && TEST_LIBRARIES.includes(s)))
      .map((s) => `${path.relative(SRC, file)} imports ${s}`),
  );
}

/** Reads of the clock, randomness or the process in the domain's non-test files (comments left out). */
function domainImpurities(files: readonly string[]): string[] {
  return files
    .filter((file) => !isTestFile(file))
    .flatMap((file) => {
      const code = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      return [...code.matchAll(/\bDate\.now\(|\bnew Date\(\s*\)|\bMath\.random\(|\bprocess\.|\bperformance\.now\(/g)].map((m) => `${path.relative(SRC, file)} uses ${m[0]}`);
    });
}

function violations(layer: string, forbidden: readonly string[]): string[] {
  return filesUnder(path.join(SRC, layer)).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.some((f) => target === f || target.startsWith(`${f}/`)))
      .map((target) => `${path.relative(SRC, file)} imports ${target}`),
  );
}

describe('layers', () => {
  it('finds the imports it checks (the scan itself works)', () => {
    expect(importsOf(path.join(SRC, 'app/orders/place-order.ts'))).toContain('store/repositories/orders.repository.ts');
    expect(importsOf(path.join(SRC, 'cli/main.ts'))).toContain('cli/commands.ts');
  });

  it('src/http does not import src/store', () => {
    expect(violations('http', ['store'])).toEqual([]);
  });

  it('src/cli does not import src/store', () => {
    expect(violations('cli', ['store'])).toEqual([]);
  });

  it('src/jobs does not import src/store', () => {
    expect(violations('jobs', ['store'])).toEqual([]);
  });

  it('src/app imports none of the layers above it', () => {
    expect(violations('app', ['http', 'jobs', 'cli', 'core.ts', 'service.ts'])).toEqual([]);
  });

  it('src/domain imports no other layer', () => {
    expect(violations('domain', ['store', 'app', 'http', 'cli', 'jobs', 'config'])).toEqual([]);
  });

  it('src/domain does no I/O and reads no clock, randomness or process state', () => {
    const files = filesUnder(path.join(SRC, 'domain'));
    expect(domainPackageImports(files)).toEqual([]);
    expect(domainImpurities(files)).toEqual([]);
  });

  it('the purity checks see what they look for', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-arch-'));
    try {
      const impure = path.join(dir, 'impure.ts');
      fs.writeFileSync(impure, "import fs from 'node:fs';\nimport { x } from './x.ts';\n// Date.now() in a comment is fine\nexport const t = () => Date.now() + Math.random();\n");
      const testFile = path.join(dir, 'impure.test.ts');
      fs.writeFileSync(testFile, "import { it } from 'vitest';\nimport pg from 'pg';\n");
      expect(domainPackageImports([impure, testFile]).map((v) => v.split(' imports ')[1])).toEqual(['node:fs', 'pg']);
      expect(domainImpurities([impure, testFile]).map((v) => v.split(' uses ')[1])).toEqual(['Date.now(', 'Math.random(']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
