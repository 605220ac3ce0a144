/**
 * Which processes use a SQLite database file. Every `holdfast` process that opens one (serve, demo, import,
 * jobs run) leaves a small file in `<database>.holders/` named by its pid while it runs; `demo --fresh` wipes
 * the database only when no other live process is listed there. A process killed without a chance to clean up
 * leaves its file behind; a file whose pid is no longer running counts for nothing (and is removed).
 *
 * Registering before checking makes two `demo --fresh` started together both refuse rather than both wipe.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPostgresUrl } from '../app/runtime.ts';

export interface Holder {
  readonly pid: number;
  readonly command: string;
  readonly host: string;
  readonly since: string;
}

const folderOf = (databaseFile: string) => `${path.resolve(databaseFile)}.holders`;

/** Lists this process as using the database until it exits (or `release` is called). No-op for PostgreSQL. */
export function holdDatabase(databaseUrl: string, command: string): () => void {
  if (isPostgresUrl(databaseUrl) || databaseUrl === ':memory:') return () => undefined;
  const folder = folderOf(databaseUrl);
  const file = path.join(folder, `${process.pid}`);
  try {
    fs.mkdirSync(folder, { recursive: true });
    const me: Holder = { pid: process.pid, command, host: os.hostname(), since: new Date().toISOString() };
    fs.writeFileSync(file, `${JSON.stringify(me)}\n`);
  } catch {
    // A read-only folder: the database will say so when it is opened.
    return () => undefined;
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return release;
}

/** The other live processes using the database file. */
export function otherHolders(databaseFile: string): Holder[] {
  const folder = folderOf(databaseFile);
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  const out: Holder[] = [];
  for (const name of names) {
    const file = path.join(folder, name);
    let holder: Holder;
    try {
      holder = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
    } catch {
      continue;
    }
    if (holder.pid === process.pid && holder.host === os.hostname()) continue;
    if (holder.host !== os.hostname() || isAlive(holder.pid)) out.push(holder);
    else fs.rmSync(file, { force: true });
  }
  return out;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as { code?: string }).code === 'EPERM';
  }
}
