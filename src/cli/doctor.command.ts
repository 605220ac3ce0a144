/**
 * `holdfast doctor [--repair]` (SPEC section 8): prints what the integrity check finds and exits 1 when anything is
 * wrong. With `--repair` it then recomputes `reserved`, the promised quantities and the products' counts of held
 * lines from the lines in one transaction, prints each correction (recorded in integrity_repairs), makes the next
 * job runs plan every sku again (it forgets the settled skus), checks again and exits 1 only if problems remain
 * (lines in an impossible state are reported, never changed).
 */
import os from 'node:os';
import type { Config } from '../config/config.ts';
import type { AppContext } from '../app/context.ts';
import { checkIntegrity, repairIntegrity } from '../app/admin/integrity.ts';
import type { IntegrityReport } from '../app/admin/integrity.ts';
import { missingDatabase, withAppContext } from '../app/runtime.ts';
import { holdDatabase } from './holders.ts';
import { AppError } from '../app/errors.ts';

function print(report: IntegrityReport, heading: string): void {
  if (report.ok) {
    process.stdout.write(`${heading}: no problems found\n`);
    return;
  }
  process.stdout.write(`${heading}: ${report.problems.length}${report.truncated ? '+' : ''} ${report.problems.length === 1 ? 'problem' : 'problems'}\n`);
  for (const p of report.problems) {
    const where = [p.sku, p.locationId, p.date, p.lineId && `line ${p.lineId}`].filter(Boolean).join(' ');
    process.stdout.write(`  ${p.kind.padEnd(18)} ${where}: ${p.detail}\n`);
  }
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
  print(found, 'holdfast doctor');
  if (found.ok || !options.repair) return found.ok ? 0 : 1;
  const repaired = await repairIntegrity(ctx, `holdfast doctor --repair (${os.userInfo().username}@${os.hostname()})`);
  process.stdout.write(`repaired: ${repaired.reserved} reserved, ${repaired.promised} promised quantities, ${repaired.heldCounts} counts of held lines (recorded in integrity_repairs)\n`);
  for (const c of repaired.changes) {
    const key = c.subject === 'promised' ? `${c.sku} ${c.location_id} ${c.date}` : c.subject.startsWith('held_') ? c.sku : `${c.sku} ${c.location_id}`;
    process.stdout.write(`  ${c.subject.padEnd(9)} ${key}: ${c.before ?? 'none'} -> ${c.after}\n`);
  }
  const after = await checkIntegrity(ctx);
  print(after, 'after the repair');
  return after.ok ? 0 : 1;
}
