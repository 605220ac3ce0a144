/**
 * `holdfast migrate`: applies the pending migrations and names each, or says there were none (a database already
 * up to date is left as it is).
 */
import type { Config } from '../config/config.ts';
import { migrateDatabase } from '../app/runtime.ts';

export async function migrateCommand(config: Config): Promise<number> {
  const { applied, total, created, shown } = await migrateDatabase(config.databaseUrl);
  const all = `${total} ${total === 1 ? 'migration' : 'migrations'}`;
  if (applied.length === 0) {
    process.stdout.write(`nothing to apply: ${shown} is up to date (${all})\n`);
    return 0;
  }
  const n = applied.length;
  process.stdout.write(`applied ${n === total ? `all ${all}` : `${n} of ${all}`} to ${shown}${created ? ' (a new database)' : ''}:\n`);
  for (const name of applied) process.stdout.write(`  ${name}\n`);
  return 0;
}
