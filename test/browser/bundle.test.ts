/**
 * The console's initial download (what index.html loads before any screen: the entry script, the chunks it
 * preloads and the styles) stays under 500 KB gzipped, and the chart library is not part of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONSOLE_DIR } from '../../src/config/config.ts';
import { assertConsoleBuilt } from './harness.ts';

const LIMIT = 500 * 1024;

/** Files a module imports statically (`import ... from "./x.js"`), as paths under the console dir. */
function staticImports(file: string): string[] {
  const code = fs.readFileSync(path.join(DEFAULT_CONSOLE_DIR, file), 'utf8');
  return [...code.matchAll(/(?:^|[;\s}])import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\/[^"']+)["']/g)].map((m) => path.posix.join(path.posix.dirname(file), m[1]!));
}

describe('the console bundle', () => {
  it('loads under 500 KB gzipped before the first screen, without the charts', () => {
    assertConsoleBuilt();
    const html = fs.readFileSync(path.join(DEFAULT_CONSOLE_DIR, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(refs.some((r) => r.endsWith('.js'))).toBe(true);
    // The entry's own static imports load at once too, preloaded or not.
    const initial = new Set<string>();
    const visit = (file: string) => {
      if (initial.has(file)) return;
      initial.add(file);
      if (file.endsWith('.js')) staticImports(file).forEach(visit);
    };
    refs.forEach(visit);
    const sizes = [...initial].map((f) => [f, zlib.gzipSync(fs.readFileSync(path.join(DEFAULT_CONSOLE_DIR, f)), { level: 9 }).length] as const);
    const total = sizes.reduce((sum, [, n]) => sum + n, 0);
    console.log(`initial console bundle: ${(total / 1024).toFixed(1)} KB gzipped\n${sizes.map(([f, n]) => `  ${f.padEnd(40)} ${(n / 1024).toFixed(1).padStart(7)} KB`).join('\n')}`);
    expect(total).toBeLessThan(LIMIT);

    const chunks = fs.readdirSync(path.join(DEFAULT_CONSOLE_DIR, 'assets'));
    const charts = chunks.filter((f) => /^(AtpChart|BarsChart)-.*\.js$/.test(f));
    expect(charts.length).toBe(2);
    for (const chart of charts) expect([...initial]).not.toContain(`assets/${chart}`);
    for (const file of initial) {
      if (file.endsWith('.js')) expect(fs.readFileSync(path.join(DEFAULT_CONSOLE_DIR, file), 'utf8'), file).not.toMatch(/recharts-(bar|line)|ResponsiveContainer/);
    }
  });
});
