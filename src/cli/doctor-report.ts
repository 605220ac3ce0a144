/**
 * The doctor's findings as `holdfast doctor` prints them: one entry per thing that is wrong (a line, a stock row, a
 * promised quantity, a product's counts), each saying what is wrong and what `--repair` would do about it.
 *
 * The check reports problems kind by kind, so one bad line can come back more than once (a held line without
 * backorderedAt whose dates also disagree): here the problems of one line become one entry, named by its order's
 * externalId and line number.
 */
import type { IntegrityProblem, ProblemKind } from '../app/admin/integrity.ts';
import type { LineLabel } from '../app/orders/orders.query.ts';
import { lineName } from '../app/orders/orders.query.ts';

export interface DoctorEntry {
  /** The kinds of problem, as GET /api/admin/integrity names them. */
  readonly kinds: readonly ProblemKind[];
  /** What is wrong: `DK-300 EAST`, `DK-300 DEMO-1008 line 1 (lin_...)`. */
  readonly where: string;
  /** What is wrong with it, then what `--repair` would do. */
  readonly text: string;
}

/** What the repair does about each kind of problem that is not a line's. */
function bookRepair(p: IntegrityProblem): string {
  if (p.kind === 'reserved_mismatch') {
    return p.detail.startsWith('no stock row') ? '--repair adds the stock row, on hand 0, reserving what those lines hold' : '--repair sets reserved to what those lines hold';
  }
  if (p.kind === 'promised_mismatch') return '--repair sets the promised quantity to what those lines hold';
  return '--repair sets the counts to what its lines have';
}

const LINE_REPAIR = '--repair changes no line and no event: which state a line should be in is for a person to decide';

function lineEntry(problems: readonly IntegrityProblem[], label: LineLabel | undefined): DoctorEntry {
  const first = problems[0]!;
  const kinds = [...new Set(problems.map((p) => p.kind))];
  const details = [...new Set(problems.map((p) => p.detail))];
  const where = `${first.sku ?? ''} ${label ? `${lineName(label)} (${first.lineId})` : `line ${first.lineId}`}`.trim();
  return { kinds, where, text: `${details.join('; ')}; ${LINE_REPAIR}` };
}

/** The problems as entries, in the order the check found them, those of one line together at its first. */
export function doctorEntries(problems: readonly IntegrityProblem[], labels: ReadonlyMap<string, LineLabel>): DoctorEntry[] {
  const groups = new Map<string, IntegrityProblem[]>();
  for (const p of problems) {
    const key = p.lineId !== undefined ? `line ${p.lineId}` : `${p.kind} ${p.sku} ${p.locationId ?? ''} ${p.date ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()].map((group) => {
    const p = group[0]!;
    if (p.lineId !== undefined) return lineEntry(group, labels.get(p.lineId));
    const where = [p.sku, p.locationId, p.date].filter(Boolean).join(' ');
    return { kinds: [p.kind], where, text: `${[...new Set(group.map((g) => g.detail))].join('; ')}; ${bookRepair(p)}` };
  });
}
