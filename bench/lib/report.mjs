/**
 * BENCHMARKS.md from the sections the scenarios returned: the bars of SPEC 10 with their verdicts first, then the
 * charts (Mermaid `xychart-beta`, which GitHub renders), the machine and versions, and every scenario's figures
 * (min / median / max of the runs) with how they were measured.
 */
import { summary } from './stats.mjs';
import { verdict } from './figures.mjs';

const DB_NAME = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export function formatNumber(value, digits) {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const withUnit = (text, unit) => (unit ? `${text} ${unit}` : text);
const mark = (v) => (v === null ? '' : v ? 'pass' : '**FAIL**');

/**
 * @param {object} o
 * @param {any} o.machine
 * @param {string} o.command
 * @param {boolean} o.quick
 * @param {number} o.runs
 * @param {Date} o.started
 * @param {Date} o.finished
 * @param {import('./figures.mjs').Section[]} o.sections
 * @param {string[]} o.skipped      scenarios not run, with why
 * @param {string[]} o.failed       scenarios that failed, with the error
 */
export function renderReport(o) {
  const lines = [];
  const push = (...xs) => lines.push(...xs);
  const minutes = (o.finished.getTime() - o.started.getTime()) / 60_000;
  push('# Holdfast benchmarks', '');
  push(
    `Written by \`${o.command}\` on ${o.started.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${formatNumber(minutes, 1)} minutes, ` +
      `${o.runs} run${o.runs === 1 ? '' : 's'} per figure (min / median / max; a bar is judged on the median, a count of failures on every run, and a bar fails when a run gave no value).` +
      (o.quick ? ' **Quick mode: smaller sizes and one run each, for development; not the figures of SPEC 10.**' : ''),
    '',
  );

  push('## Bars (SPEC 10)', '');
  push('| scenario | database | measure | median | min - max | bar | |', '| --- | --- | --- | ---: | ---: | --- | --- |');
  for (const s of o.sections) {
    for (const f of s.figures) {
      if (!f.bar) continue;
      const x = summary(f.samples);
      push(`| ${s.id} | ${DB_NAME[s.db]} | ${f.label} | ${withUnit(formatNumber(x.median, f.digits), f.unit)} | ${formatNumber(x.min, f.digits)} - ${formatNumber(x.max, f.digits)} | ${f.bar.text} | ${mark(verdict(f))} |`);
    }
  }
  push('');
  for (const f of o.failed) push(`- **Failed:** ${f}`);
  for (const s of o.skipped) push(`- Not run: ${s}`);
  if (o.failed.length || o.skipped.length) push('');

  push(...charts(o.sections));

  const m = o.machine;
  push('## Machine and versions', '');
  push(`- Machine: ${m.cpu}, ${m.cores} cores, ${formatNumber(m.memoryGiB, 1)} GiB of memory, ${m.kernel}; load average at the start ${m.loadAverage.map((x) => formatNumber(x, 2)).join(' / ')} (1 / 5 / 15 min)`);
  push(`- Holdfast ${m.holdfast}, commit ${m.commit} (branch ${m.branch}); Node.js ${m.node}; SQLite ${m.sqlite}${m.postgres ? `; PostgreSQL ${m.postgres.version}` : ''}; wrk ${m.wrk ?? 'not installed'}`);
  if (m.postgres) push(`- PostgreSQL settings: ${Object.entries(m.postgres.settings).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  push(`- Command: \`${o.command}\``);
  push(`- Time per scenario (seeding included where it was first needed): ${o.sections.map((s) => `${s.id} ${DB_NAME[s.db]} ${formatNumber(s.seconds ?? NaN, 0)} s`).join(', ')}`, '');
  push(
    'Every server runs as a user runs it (`holdfast serve`, the compiled JavaScript in dist/) on a fresh copy of a seeded database, with `LOG_LEVEL=warn` (no line per request, as for the floor), ' +
      'the jobs\' cron schedules and supply-change runs off (no run starts unless a scenario starts it), backorders and the on-hand change schedule on. ' +
      'The seeded databases are made by `holdfast migrate` and the HTTP API (locations, settings), then filled in SQL in the state intake leaves and checked against the invariants (bench/lib/invariants.mjs); PostgreSQL ones are vacuumed and analyzed. ' +
      'wrk runs with one thread on the same machine, so the client takes part of the cores.',
    '',
  );

  push('## Scenarios', '');
  for (const s of o.sections) {
    push(`### ${s.id} (${DB_NAME[s.db]}): ${s.title}`, '', s.method, '');
    push('| measure | median | min | max | bar | |', '| --- | ---: | ---: | ---: | --- | --- |');
    for (const f of s.figures) {
      const x = summary(f.samples);
      push(`| ${f.label} | ${withUnit(formatNumber(x.median, f.digits), f.unit)} | ${formatNumber(x.min, f.digits)} | ${formatNumber(x.max, f.digits)} | ${f.bar?.text ?? ''} | ${mark(verdict(f))} |`);
    }
    push('');
    for (const t of s.tables ?? []) push(t, '');
    for (const n of s.notes ?? []) push(`- Note: ${n}`);
    if (s.notes?.length) push('');
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** The two charts of the brief, from whatever sections carry their data. */
function charts(sections) {
  const out = [];
  const intake = sections.find((s) => s.id === 'intake-floor');
  const backorder = sections.filter((s) => s.id.startsWith('backorder-') && s.data);
  if (!intake && backorder.length === 0) return out;
  out.push('## Charts', '');
  if (intake?.data) {
    const d = intake.data;
    out.push('Intake throughput by connections, SQLite, 3-line orders (bars: the floor; line: Holdfast):', '');
    out.push(xychart({
      title: 'Intake orders/s by connections',
      x: d.connections.map(String),
      xTitle: 'connections',
      yTitle: 'orders/s',
      series: [{ kind: 'bar', values: d.floor }, { kind: 'line', values: d.holdfast }],
    }), '');
  }
  if (backorder.length) {
    const sizes = [...new Set(backorder.map((s) => s.data.lines))].sort((a, b) => a - b);
    const series = ['sqlite', 'postgres']
      .map((db, i) => ({
        db,
        kind: i === 0 ? 'bar' : 'line',
        values: sizes.map((n) => {
          const s = backorder.find((x) => x.db === db && x.data.lines === n);
          return s ? summary(s.data.seconds).median : NaN;
        }),
      }))
      .filter((s) => s.values.some(Number.isFinite));
    const legend = series.map((s) => `${s.kind === 'bar' ? 'bars' : 'line'}: ${DB_NAME[s.db]}`).join('; ');
    out.push(`Backorder run time by held lines, median seconds (${legend}):`, '');
    out.push(xychart({
      title: 'Backorder run seconds by held lines',
      x: sizes.map((n) => n.toLocaleString('en-US')),
      xTitle: 'held lines',
      yTitle: 'seconds',
      series: series.map((s) => ({ kind: s.kind, values: s.values.map((v) => (Number.isFinite(v) ? v : 0)) })),
    }), '');
    for (const db of ['sqlite', 'postgres']) {
      const median = (n, key) => {
        const samples = backorder.find((x) => x.db === db && x.data.lines === n)?.data[key];
        return samples?.length ? summary(samples).median : 0;
      };
      if (!sizes.some((n) => median(n, 'floorSeconds') > 0)) continue;
      out.push(`Backorder run and its floor by held lines, ${DB_NAME[db]}, median seconds (bars: the floor, the run's writes alone; line: Holdfast):`, '');
      out.push(xychart({
        title: `Backorder run and its floor, ${DB_NAME[db]}`,
        x: sizes.map((n) => n.toLocaleString('en-US')),
        xTitle: 'held lines',
        yTitle: 'seconds',
        series: [{ kind: 'bar', values: sizes.map((n) => median(n, 'floorSeconds')) }, { kind: 'line', values: sizes.map((n) => median(n, 'seconds')) }],
      }), '');
    }
  }
  return out;
}

/** A Mermaid xychart-beta block. */
export function xychart(c) {
  const round = (v) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : 0);
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${c.title}"`,
    `  x-axis "${c.xTitle}" [${c.x.map((x) => `"${x}"`).join(', ')}]`,
    `  y-axis "${c.yTitle}"`,
    ...c.series.map((s) => `  ${s.kind} [${s.values.map(round).join(', ')}]`),
    '```',
  ].join('\n');
}
