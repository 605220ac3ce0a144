/**
 * `holdfast <command>`: serve, demo, migrate, keys create, jobs run, import, atp (SPEC section 8).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, ConfigError } from '../config/config.ts';
import type { Config } from '../config/config.ts';
import { ROLES } from '../app/context.ts';
import type { Role } from '../app/context.ts';
import { AppError } from '../app/errors.ts';
import { createApiKey, generateKey } from '../app/access/api-keys.ts';
import { createService } from '../service.ts';
import { parseArgs, option, UsageError } from './args.ts';
import type { ParsedArgs } from './args.ts';
import { withContext } from './context.ts';
import { serve } from './serve.command.ts';
import { seedDemo } from './demo-seed.ts';
import { importCsv } from './import.command.ts';
import { printAtp } from './atp.command.ts';
import { dryRunCommand } from './dry-run.command.ts';
import { doctorCommand } from './doctor.command.ts';

const USAGE = `usage: holdfast <command>

  serve                         API and scheduler (PORT, HOST, DATABASE_URL, HOLDFAST_ADMIN_KEY, HOLDFAST_CLOCK, LOG_LEVEL)
  demo                          serve a fresh seeded SQLite database (./data/demo.db); prints the address and an admin key
  migrate                       apply pending migrations
  keys create --role <role>     print a new API key (roles: ${ROLES.join(', ')}) [--label <text>]
  jobs run <backorder|preorder> run a job now and print its counts [--dry-run: print what it would do, write nothing]
  import on-hand <file.csv>     header sku,locationId,onHand
  import schedules <file.csv>   header sku,locationId,date,quantity,reference
  atp <sku>                     earliest dates per location [--location <id>] [--quantity <n>]
  doctor [--repair]             check reserved, line states, events and promises against the lines; --repair recomputes reserved
`;

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const [command, sub, ...rest] = args.positional;
  if (!command || args.options.has('help')) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  switch (command) {
    case 'serve':
      await serve(config);
      return -1;
    case 'demo':
      await demo(config);
      return -1;
    case 'migrate':
      return migrate(config);
    case 'keys':
      if (sub !== 'create') throw new UsageError('keys: the subcommand is "create"');
      return createKey(config, args);
    case 'jobs':
      if (sub !== 'run' || !rest[0]) throw new UsageError('jobs: holdfast jobs run <backorder|preorder> [--dry-run]');
      if (args.options.has('dry-run')) return dryRunCommand(config, rest[0]);
      return runJob(config, rest[0]);
    case 'import':
      if ((sub !== 'on-hand' && sub !== 'schedules') || !rest[0]) throw new UsageError('import: holdfast import on-hand|schedules <file.csv>');
      return importCsv(config, sub, rest[0]);
    case 'atp':
      if (!sub) throw new UsageError('atp: holdfast atp <sku> [--location <id>] [--quantity <n>]');
      return printAtp(config, sub, option(args, 'location'), option(args, 'quantity'));
    case 'doctor':
      return doctorCommand(config, { repair: args.options.has('repair') });
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function migrate(config: Config): Promise<number> {
  await withContext(config, async () => undefined);
  process.stdout.write(`migrations applied to ${config.databaseUrl.startsWith('postgres') ? 'PostgreSQL' : config.databaseUrl}\n`);
  return 0;
}

async function createKey(config: Config, args: ParsedArgs): Promise<number> {
  const role = option(args, 'role');
  if (!role || !(ROLES as readonly string[]).includes(role)) throw new UsageError(`keys create needs --role, one of ${ROLES.join(', ')}`);
  const created = await withContext(config, (ctx) => createApiKey(ctx, role as Role, option(args, 'label') ?? null));
  process.stderr.write(`created ${created.role} key ${created.id}; it is shown once, keep it safe:\n`);
  process.stdout.write(`${created.key}\n`);
  return 0;
}

async function runJob(config: Config, jobType: string): Promise<number> {
  const service = await createService({ ...config, logLevel: 'warn' });
  try {
    const started = await service.jobs.run(jobType, 'manual');
    process.stderr.write(`${jobType} run ${started.run.id} started: ${started.run.processed} lines in scope\n`);
    const run = await started.done;
    const counts = ['processed', 'movedToFulfillment', 'movedToBackorder', 'stillOnHold', 'canceled', 'failedRecords'] as const;
    process.stdout.write(`${run.jobType} run ${run.id}: ${run.status}\n`);
    for (const k of counts) process.stdout.write(`  ${k.padEnd(20)} ${run[k]}\n`);
    if (run.error) process.stdout.write(`  error                ${run.error}\n`);
    return run.status === 'succeeded' ? 0 : 1;
  } finally {
    await service.close();
  }
}

async function demo(base: Config): Promise<void> {
  const file = path.resolve('data/demo.db');
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  const adminKey = base.adminKey ?? generateKey();
  const config: Config = { ...base, databaseUrl: file, adminKey };
  const seeded = await withContext(config, seedDemo);
  await serve(config, (url, service) => {
    void service.jobs.run('backorder', 'manual').catch(() => undefined);
    process.stdout.write(
      [
        '',
        `Holdfast demo: ${seeded.orders} orders seeded in ${file}`,
        `  API              ${url}/api   (start page ${url}/, OpenAPI at ${url}/api/openapi.json)`,
        `  admin key        ${adminKey}`,
        `  try              curl -H "Authorization: Bearer ${adminKey}" ${url}/api/order-lines?statusReason=BackorderHold`,
        '',
      ].join('\n'),
    );
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`holdfast: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof AppError) {
      process.stderr.write(`holdfast: ${error.detail}\n${(error.errors ?? []).map((e) => `  ${e.path}: ${e.message}\n`).join('')}`);
      process.exit(1);
    }
    process.stderr.write(`holdfast: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
