/**
 * `holdfast demo [--fresh]`: `serve` on the demo data, in the same SQLite file the CLI uses
 * (./data/holdfast.db unless DATABASE_URL names another). The data is seeded only into an empty database, so
 * a restart keeps what was done; `--fresh` wipes and seeds again, and refuses while another holdfast process
 * uses the file. The admin key stays the same across restarts: it is kept beside the database
 * (`<file>.admin-key`, readable by its owner only) unless HOLDFAST_ADMIN_KEY gives one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { AppError } from '../app/errors.ts';
import { generateKey } from '../app/access/api-keys.ts';
import { isPostgresUrl } from '../app/runtime.ts';
import { isEmptyDatabase } from '../app/catalog/catalog.query.ts';
import { createCore } from '../core.ts';
import type { Service } from '../service.ts';
import { UsageError } from './args.ts';
import { holdDatabase, otherHolders } from './holders.ts';
import { seedDemo } from './demo-seed.ts';
import { serve } from './serve.command.ts';

export async function demoCommand(base: Config, options: { fresh: boolean }): Promise<number> {
  const file = base.databaseUrl;
  if (isPostgresUrl(file) || file === ':memory:') throw new UsageError('the demo runs on a SQLite file: leave DATABASE_URL unset (./data/holdfast.db) or point it at a file');
  const shown = path.relative(process.cwd(), path.resolve(file)) || file;
  // Listed as a user of the file before looking for others: two `--fresh` started together both refuse.
  const release = holdDatabase(file, 'demo');
  try {
    if (options.fresh) {
      const others = otherHolders(file);
      if (others.length) {
        const who = others.map((h) => `holdfast ${h.command} (pid ${h.pid})`).join(', ');
        throw new AppError('conflict', `${shown} is in use by ${who}; stop it first, then run npx holdfast demo --fresh again`);
      }
      for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
    }
    const adminKey = base.adminKey ?? demoAdminKey(`${file}.admin-key`);
    const config: Config = { ...base, adminKey, logLevel: quieter(base.logLevel, 'warn') };
    const seeded = await seedIfEmpty(config);
    await serve(config, { command: 'demo', requestLog: base.logLevel === 'silent' ? 'none' : 'line', adminKeyLabel: base.adminKey ? undefined : 'demo admin key' }, (url, service) => banner(url, service, { file: shown, adminKey, seeded, keyFromEnv: base.adminKey !== null }));
    return -1;
  } catch (error) {
    release();
    throw error;
  }
}

/** The admin key kept beside the database, made on first use (mode 0600: only its owner may read it). */
function demoAdminKey(keyFile: string): string {
  try {
    const key = fs.readFileSync(keyFile, 'utf8').trim();
    if (/^\S{16,}$/.test(key)) return key;
  } catch {
    // Not there yet.
  }
  const key = generateKey();
  fs.mkdirSync(path.dirname(path.resolve(keyFile)), { recursive: true });
  fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  fs.chmodSync(keyFile, 0o600);
  return key;
}

async function seedIfEmpty(config: Config): Promise<{ orders: number } | null> {
  const core = await createCore({ ...config, manualClock: true, eventDebounceMs: 0 }, { adminKeyLabel: config.adminKey === null ? undefined : 'demo admin key' });
  try {
    if (!(await isEmptyDatabase(core.ctx))) return null;
    return await seedDemo(core);
  } finally {
    await core.close();
  }
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
const quieter = (a: Config['logLevel'], b: Config['logLevel']): Config['logLevel'] => (LEVELS.indexOf(a) > LEVELS.indexOf(b) ? a : b);

function banner(url: string, service: Service, o: { file: string; adminKey: string; seeded: { orders: number } | null; keyFromEnv: boolean }): void {
  const has = (p: string) => service.app.hasRoute({ method: 'GET', url: p });
  const rows: [string, string][] = [
    ['console', `${url}/`],
    ...(has('/docs') ? ([['API reference', `${url}/docs`]] as [string, string][]) : []),
    ['OpenAPI', `${url}/api/openapi.json`],
    ['health', `${url}/health`],
    ['admin key', `${o.adminKey}${o.keyFromEnv ? '   (HOLDFAST_ADMIN_KEY)' : `   (kept in ${o.file}.admin-key)`}`],
  ];
  const data = o.seeded ? `seeded ${o.seeded.orders} orders over the last 40 days into ${o.file}` : `the data already in ${o.file} (npx holdfast demo --fresh starts over)`;
  process.stdout.write(
    [
      '',
      `Holdfast demo: ${data}`,
      ...rows.map(([k, v]) => `  ${k.padEnd(14)} ${v}`),
      '',
      `  try            curl -H "Authorization: Bearer ${o.adminKey}" "${url}/api/order-lines?statusReason=BackorderHold"`,
      '                 npx holdfast --help   (the CLI works on the same database)',
      '',
      'Requests are logged one line each below. Ctrl-C stops the demo; npm start again carries on with the same data.',
      '',
    ].join('\n'),
  );
}
