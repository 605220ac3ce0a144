/**
 * `holdfast doctor [--repair]` (SPEC section 8): prints what the integrity check finds and exits 1 when anything is
 * wrong. With `--repair` it then recomputes `reserved`, the promised quantities and the products' counts of held
 * lines from the lines in one transaction, prints each correction (recorded in integrity_repairs), makes the next
 * job runs plan every sku again (it forgets the settled skus), checks again and exits 1 only if problems remain
 * (lines in an impossible state are reported, never changed). Each thing that is wrong is printed once, saying
 * what `--repair` would do about it.
 */
import os from 'node:os';
import type { Config } from '../config/config.ts';
import type { AppContext } from '../app/context.ts';
import { checkIntegrity, repairAndCheck } from '../app/admin/integrity.ts';
import type { IntegrityReport } from '../app/admin/integrity.ts';
import { missingDatabase, withAppContext } from '../app/runtime.ts';
import { holdDatabase } from './holders.ts';
import { AppError } from '../app/errors.ts';
import { doctorEntries } from './doctor-report.ts';
import { lineLabels } from '../app/orders/orders.query.ts';

/** Each thing that is wrong once, with what is wrong and what `--repair` would do (doctor-report.ts). */
async function print(ctx: AppContext, report: IntegrityReport, heading: string): Promise<void> {
  if (report.ok) {
    process.stdout.write(`${heading}: no problems found\n`);
    return;
  }
  const labels = await lineLabels(ctx, report.problems.flatMap((p) => (p.lineId === undefined ? [] : [p.lineId])));
  const entries = doctorEntries(report.problems, labels);
  process.stdout.write(`${heading}: ${entries.length}${report.truncated ? '+' : ''} ${entries.length === 1 ? 'problem' : 'problems'}\n`);
  for (const e of entries) process.stdout.write(`  ${e.kinds.join(', ').padEnd(18)} ${e.where}: ${e.text}\n`);
  if (report.truncated) process.stdout.write('  (more of some kinds not listed)\n');
}

export async function doctorCommand(config: Config, options: { repair: boolean }): Promise<number> {
  // Refused before anything is made: holding the file would create its folder and a holders folder beside it.
  const missing = missingDatabase(config.databaseUrl);
  if (missing) throw new AppError('not_found', missing);
  const release = holdDatabase(config.databaseUrl, options.repair ? 'doctor --repair' : 'doctor');
  try {
    return await withAppContext({ databaseUrl: config.databaseUrl, manualClock: config.manualClock, mustExist: true }, (ctx) => doctor(ctx, options));
  } finally {
    release();
  }
}

async function doctor(ctx: AppContext, options: { repair: boolean }): Promise<number> {
  const found = await checkIntegrity(ctx);
  await print(ctx, found, 'holdfast doctor');
  if (found.ok || !options.repair) return found.ok ? 0 : 1;
  const repaired = await repairAndCheck(ctx, `holdfast doctor --repair (${os.userInfo().username}@${os.hostname()})`);
  process.stdout.write(`repaired: ${repaired.reserved} reserved, ${repaired.promised} promised quantities, ${repaired.heldCounts} counts of held lines (recorded in integrity_repairs)\n`);
  for (const c of repaired.changes) {
    const key = c.subject === 'promised' ? `${c.sku} ${c.location_id} ${c.date}` : c.subject.startsWith('held_') ? c.sku : `${c.sku} ${c.location_id}`;
    process.stdout.write(`  ${c.subject.padEnd(9)} ${key}: ${c.before ?? 'none'} -> ${c.after}\n`);
  }
  if (repaired.changesTruncated) process.stdout.write(`  and more: every correction is in integrity_repairs\n`);
  await print(ctx, repaired.after, 'after the repair');
  return repaired.after.ok ? 0 : 1;
}
