/**
 * How a command that failed says so: a user's mistake or a problem of the surroundings (a bad option, a
 * missing file, a database that is not there or not reachable) is one line naming it, exit 1, no stack
 * trace. Only a bug shows its stack.
 */
import { ConfigError } from '../config/config.ts';
import { AppError, fieldName } from '../app/errors.ts';
import { UsageError } from './args.ts';

interface SystemishError {
  readonly code?: string;
  readonly errno?: number;
  readonly syscall?: string;
  readonly path?: string;
  readonly address?: string;
  readonly port?: number;
  readonly hostname?: string;
  readonly message?: string;
}

/** Prints the failure and answers the exit code. */
export function reportFailure(error: unknown): number {
  const line = describe(error);
  if (line !== null) {
    process.stderr.write(`holdfast: ${line}\n`);
    if (error instanceof AppError && error.errors?.length) {
      for (const e of error.errors) process.stderr.write(`  ${e.path === '' ? '' : `${csvRow(e.path)}: `}${e.message}\n`);
    }
    return 1;
  }
  process.stderr.write(`holdfast: unexpected error (a bug; please report it with what follows):\n${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}

/** `/3/date` as `row 4, date` (rows counted from 1 as people count them). */
function csvRow(pointer: string): string {
  const m = /^\/(\d+)(\/.*)?$/.exec(pointer);
  if (!m) return fieldName(pointer);
  return `row ${Number(m[1]) + 1}${m[2] ? `, ${fieldName(m[2])}` : ''}`;
}

function describe(error: unknown): string | null {
  if (error instanceof UsageError) return `${error.message} (see npx holdfast ${error.command ? `help ${error.command}` : '--help'})`;
  if (error instanceof ConfigError) return error.message;
  if (error instanceof AppError) return error.detail;
  const e = (error ?? {}) as SystemishError;
  const code = typeof e.code === 'string' ? e.code : '';
  // PostgreSQL, by SQLSTATE
  if (code === '3D000') return `${firstLine(e.message)}: create it (createdb) or point DATABASE_URL at one that exists`;
  if (code === '28P01' || code === '28000') return `PostgreSQL refused the login: ${firstLine(e.message)} (check the user and password in DATABASE_URL)`;
  if (code === '57P03') return `PostgreSQL is starting up or shutting down: ${firstLine(e.message)}; try again in a moment`;
  if (/^(08|53|57)/.test(code) && code.length === 5) return `PostgreSQL: ${firstLine(e.message)}`;
  // The network, reaching PostgreSQL
  if (code === 'ECONNREFUSED') return `nothing answers at ${e.address ?? '?'}:${e.port ?? '?'}: is PostgreSQL running there? (DATABASE_URL)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot find the database host ${e.hostname ?? ''} (DATABASE_URL)`;
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `cannot reach the database host: ${firstLine(e.message)} (DATABASE_URL)`;
  // node-postgres, when what answers is not PostgreSQL or nothing answers in time
  if (/^Connection terminated due to connection timeout|^timeout exceeded when trying to connect/.test(e.message ?? '')) {
    return 'PostgreSQL did not answer within 10 s: is DATABASE_URL the address of a PostgreSQL server, and can this machine reach it?';
  }
  if (/^Connection terminated unexpectedly/.test(e.message ?? '')) return 'the server at DATABASE_URL closed the connection: is it a PostgreSQL server?';
  // SQLite
  if (code === 'SQLITE_CANTOPEN') return `cannot open the SQLite database file (DATABASE_URL): ${firstLine(e.message)}`;
  if (code === 'SQLITE_NOTADB') return 'the database file is not a SQLite database (DATABASE_URL)';
  if (code === 'SQLITE_READONLY') return 'the SQLite database file is read-only';
  if (code === 'SQLITE_CORRUPT') return 'the SQLite database file is damaged';
  if (code === 'SQLITE_BUSY') return 'the SQLite database stayed locked by another process; try again';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'the disk is full';
  // Files
  if (code === 'ENOENT') return `no such file: ${e.path ?? firstLine(e.message)}`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied: ${e.path ?? firstLine(e.message)}`;
  if (code === 'EISDIR') return `${e.path ?? 'that'} is a folder, not a file`;
  if (code === 'EADDRINUSE') return `the port is taken: ${firstLine(e.message)} (set PORT to another)`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen there: ${firstLine(e.message)} (HOST)`;
  return null;
}

const firstLine = (text: string | undefined) => (text ?? '').split('\n')[0]!;
