/**
 * The layers (STYLE.md, issue 14.7): src/http and src/cli never import src/store; they go through the use
 * cases and queries of src/app (which re-exports the types they need: OrderWithLines, JobRun, Page...). The
 * domain imports nothing of the other layers. Checked on every import and re-export statement, dynamic imports
 * included.
 */
import fs from 'node:fs';
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

/** Where each relative import of a file points, as a path under src/. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)));
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

  it('src/domain imports no other layer', () => {
    expect(violations('domain', ['store', 'app', 'http', 'cli', 'jobs', 'config'])).toEqual([]);
  });
});
