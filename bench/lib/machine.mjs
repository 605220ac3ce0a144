/** What the figures were measured on: the machine as the run starts, and the versions of everything involved. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { ROOT } from './processes.mjs';
import { wrkVersion } from './wrk.mjs';

const git = (args) => {
  try {
    return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
};

/** @param {{ pgUrl: string | null }} o  pgUrl: the PostgreSQL server, when the run uses one */
export async function describeMachine(o) {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const memory = new BetterSqlite3(':memory:');
  const sqlite = memory.prepare('select sqlite_version()').pluck().get();
  memory.close();
  let postgres = null;
  if (o.pgUrl) {
    const client = new pg.Client({ connectionString: o.pgUrl });
    await client.connect();
    const settings = await client.query(
      `select name, current_setting(name) as value from pg_settings where name in ('shared_buffers', 'max_connections', 'synchronous_commit', 'max_wal_size', 'wal_level') order by name`,
    );
    postgres = {
      version: (await client.query('show server_version')).rows[0].server_version,
      settings: Object.fromEntries(settings.rows.map((r) => [r.name, r.value])),
    };
    await client.end();
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const commit = git(['rev-parse', '--short=12', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    loadAverage: os.loadavg(),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    sqlite,
    postgres,
    holdfast: pkg.version,
    commit: commit ? `${commit}${dirty ? ' (with uncommitted changes)' : ''}` : 'unknown',
    branch: git(['rev-parse', '--abbrev-ref', 'HEAD']) || 'unknown',
    wrk: wrkVersion(),
  };
}
