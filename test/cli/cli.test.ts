/**
 * The `holdfast` command as a user meets it (issue 10.4, SPEC section 8), run as the real binary:
 *  - `--help`, `-h`, `help <command>` and `<command> --help` print usage and exit 0;
 *  - a user error (a bad option, a missing file, a database that is not there, an unknown sku) is one line
 *    naming the problem, exit 1, no stack trace;
 *  - `keys create` names the valid roles, `keys list` and `keys revoke` work beside a running service on the
 *    same database; `atp` prints every active location; `import schedules --replace` updates a purchase order
 *    instead of adding it twice, with the same checks as the HTTP upload;
 *  - the binary runs the compiled JavaScript in dist/ (no TypeScript loader), built by scripts/build.mjs, which
 *    does nothing when dist/ is up to date.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, PG_ADMIN_URL } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { T0, expectProblem, expectStatus, seedLocations, seedOnHand, seedProducts } from '../fixtures/seed.ts';
import { PROJECT_ROOT, runCli } from '../jobs/child-process.ts';
import type { CliResult } from '../jobs/child-process.ts';

/** A user error: exit 1 and exactly one line on stderr, naming the problem, with no stack trace. */
function expectOneLine(r: CliResult, text: string | RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^holdfast: /);
  if (typeof text === 'string') expect(lines[0]).toContain(text);
  else expect(lines[0]).toMatch(text);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holdfast-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('holdfast usage and user errors', () => {
  it('prints usage and exits 0 for --help, -h, help and help <command>', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = await runCli(args, {});
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^usage: holdfast <command>/);
      for (const c of ['serve', 'demo [--fresh]', 'migrate', 'keys create --role <role> [--label <text>]', 'keys list', 'keys revoke <id>', 'jobs run <type> [--dry-run]', 'import schedules <file.csv> [--replace]', 'doctor [--repair]', 'atp <sku> [--location <id>] [--quantity <n>]']) {
        expect(r.stdout).toContain(c);
      }
    }
    for (const args of [['help', 'keys', 'create'], ['keys', 'create', '--help'], ['import', 'schedules', '-h']]) {
      const r = await runCli(args, {});
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^usage: holdfast (keys create --role <role> \[--label <text>\]|import schedules <file\.csv> \[--replace\])/);
    }
    // A family's help gives the usage of each of its commands.
    for (const [args, members] of [
      [['help', 'keys'], ['keys create', 'keys list', 'keys revoke']],
      [['keys', '--help'], ['keys create', 'keys list', 'keys revoke']],
      [['help', 'import'], ['import on-hand', 'import schedules']],
      [['jobs', '-h'], ['jobs run']],
    ] as const) {
      const r = await runCli([...args], {});
      expect(r.code, r.stderr).toBe(0);
      expect([...r.stdout.matchAll(/^usage: holdfast ([a-z-]+ [a-z-]+)/gm)].map((m) => m[1])).toEqual(members);
    }
    const version = await runCli(['--version'], {});
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toBe(`holdfast ${JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version}\n`);
    const none = await runCli([], {});
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/^usage: holdfast/);
  });

  it('says what was wrong with the command line in one line, exit 1', async () => {
    expectOneLine(await runCli(['keys', 'create', '--role', 'superuser'], {}), 'there is no role "superuser"; --role must be one of admin, operator, integration, viewer');
    expectOneLine(await runCli(['keys', 'create'], {}), 'keys create needs --role, one of admin, operator, integration, viewer');
    expectOneLine(await runCli(['keys', 'create', '--rol', 'viewer'], {}), 'holdfast keys create has no option --rol (it takes --role, --label)');
    expectOneLine(await runCli(['keys'], {}), 'keys needs one of: create, list, revoke');
    expectOneLine(await runCli(['frobnicate'], {}), 'there is no command "frobnicate"');
    expectOneLine(await runCli(['--frobnicate'], {}), 'holdfast has no option --frobnicate before a command (it takes --help and --version)');
    expectOneLine(await runCli(['jobs', 'run', 'nightly'], {}), 'there is no job type "nightly"; the job types are backorder and preorder');
    expectOneLine(await runCli(['atp'], {}), 'holdfast atp needs <sku>');
    expectOneLine(await runCli(['atp', 'X-1', '--quantity', 'two'], {}), '--quantity must be a whole number of at least 1, not "two"');
    expectOneLine(await runCli(['import', 'schedules', path.join(dir, 'missing.csv')], {}), `there is no file ${path.join(dir, 'missing.csv')}`);
    expectOneLine(await runCli(['import', 'schedules', dir], {}), `${dir} is not a file`);
    expectOneLine(await runCli(['keys', 'list'], { PORT: 'eighty' }), 'PORT must be an integer from 0 to 65535, got "eighty"');
    expectOneLine(await runCli(['keys', 'list'], { DATABASE_URL: 'mysql://x@127.0.0.1/y' }), 'DATABASE_URL must be a SQLite file path or a postgres:// URL, got a mysql:// URL');
  });

  it('says in one line that there is no database, rather than making an empty one', async () => {
    const missing = path.join(dir, 'nowhere', 'holdfast.db');
    for (const args of [['keys', 'list'], ['keys', 'create', '--role', 'viewer'], ['atp', 'MN-270'], ['jobs', 'run', 'backorder'], ['jobs', 'run', 'backorder', '--dry-run'], ['doctor']]) {
      expectOneLine(await runCli(args, { DATABASE_URL: missing }), /there is no database at .*nowhere\/holdfast\.db; start the demo \(npm start\)/);
    }
    // Nothing made on the way: not the file, not its folder.
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });

  it("refuses, changing nothing, a database that is not Holdfast's: another application's, or an empty file", async () => {
    const other = path.join(dir, 'other-app.db');
    const db = new Database(other);
    db.exec('create table customers (id integer primary key, name text)');
    db.close();
    const empty = path.join(dir, 'empty.csv');
    fs.writeFileSync(empty, '');
    for (const args of [['keys', 'list'], ['jobs', 'run', 'backorder'], ['jobs', 'run', 'backorder', '--dry-run']]) {
      expectOneLine(await runCli(args, { DATABASE_URL: other }), /other-app\.db is not a Holdfast database \(it has tables of its own and none of Holdfast's\)/);
      expectOneLine(await runCli(args, { DATABASE_URL: empty }), /empty\.csv is an empty file, not a Holdfast database/);
    }
    const check = new Database(other, { readonly: true });
    expect(check.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all()).toEqual(['customers']);
    check.close();
    expect(fs.statSync(empty).size).toBe(0);
  });

  it.skipIf(!PG_ADMIN_URL)('says in one line that a PostgreSQL database does not exist', async () => {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = '/holdfast_no_such_database';
    expectOneLine(await runCli(['keys', 'list'], { DATABASE_URL: url.toString() }), 'database "holdfast_no_such_database" does not exist: create it (createdb)');
  });

  it('says in one line that a PostgreSQL URL reaches nothing, or something that is not PostgreSQL', async () => {
    expectOneLine(await runCli(['migrate'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' }), 'nothing answers at 127.0.0.1:1: is PostgreSQL running there?');
    // An HTTP server where PostgreSQL was expected answers the start-up message with text and closes.
    const http = await import('node:http');
    const server = http.createServer((_req, res) => res.end('not postgres'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      for (const args of [['keys', 'list'], ['jobs', 'run', 'backorder']]) {
        expectOneLine(await runCli(args, { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test` }), 'the server at DATABASE_URL closed the connection: is it a PostgreSQL server?');
      }
    } finally {
      server.close();
    }
  });

  it('runs the compiled JavaScript in dist/, which an up-to-date build leaves alone', () => {
    const bin = fs.readFileSync(path.join(PROJECT_ROOT, 'bin/holdfast.js'), 'utf8');
    expect(bin).toContain("import('../dist/cli/main.js')");
    expect(bin).not.toMatch(/tsx/);
    expect(fs.existsSync(path.join(PROJECT_ROOT, 'dist/cli/main.js'))).toBe(true);
    const stamp = path.join(PROJECT_ROOT, 'dist/.build-stamp');
    const before = fs.statSync(stamp).mtimeMs;
    const r = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts/build.mjs')], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr, 'nothing rebuilt').toBe('');
    expect(fs.statSync(stamp).mtimeMs).toBe(before);
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.prepare).toContain('scripts/build.mjs');
    expect(pkg.scripts.prestart).toContain('scripts/build.mjs');
    expect(pkg.dependencies.tsx, 'tsx is for development only').toBeUndefined();
  });
});

describe.each(DATABASE_KINDS)('holdfast keys, atp and import beside a service on %s', (kind) => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const env = () => ({ DATABASE_URL: t!.databaseUrl, HOLDFAST_CLOCK: 'manual', HOLDFAST_EVENT_DEBOUNCE_MS: '20' });

  it('creates a key with a label that works at once, lists it, and revokes it: then it gets 401', async () => {
    t = await startTestService(kind, { now: T0 });
    const created = await runCli(['keys', 'create', '--role', 'viewer', '--label', 'wall screen'], env());
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^hf_\S+$/);
    const id = /created viewer key (key_\w+) \(wall screen\)/.exec(created.stderr)?.[1];
    expect(id, created.stderr).toBeDefined();
    expectStatus(await t.api('GET', '/api/orders', undefined, { key }), 200);
    expectProblem(await t.api('POST', '/api/orders', { externalId: 'x', lines: [{ sku: 'X', quantity: 1 }] }, { key }), 403);

    const list = await runCli(['keys', 'list'], env());
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^id\s+role\s+label\s+created\s+last used/);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+viewer\\s+wall screen\\s+2028-06-01 09:00 UTC\\s+2028-06-01 09:00 UTC`));
    expect(list.stdout).not.toContain(key);

    const revoked = await runCli(['keys', 'revoke', id!], env());
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`revoked viewer key ${id} (wall screen)`);
    // Another process revoked it: this service's cache of known keys lasts 2 s at most.
    let status = 200;
    for (let i = 0; i < 40 && status !== 401; i++) {
      status = (await t.api('GET', '/api/orders', undefined, { key })).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
    expect((await runCli(['keys', 'list'], env())).stdout).not.toContain(id);
    expectOneLine(await runCli(['keys', 'revoke', id!], env()), `API key ${id} does not exist`);
  });

  it('prints every active location for atp, and refuses an unknown sku in one line', async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1 }, WEST: { priority: 2 }, OLD: { priority: 0, active: false } });
    await seedProducts(t, { 'CA-1': {} });
    await seedOnHand(t, [['CA-1', 'WEST', 5]]);
    const r = await runCli(['atp', 'CA-1', '--quantity', '3'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'CA-1 on 2028-06-01: earliest for 3 is 2028-06-01 at WEST',
      '',
      'location  available  ATP today  earliest for 3',
      'EAST      0          0          none within the horizon',
      'WEST      5          5          2028-06-01',
      '',
    ]);
    const one = await runCli(['atp', 'CA-1', '--location', 'WEST'], env());
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('CA-1 at WEST on 2028-06-01: earliest for 1 is 2028-06-01');
    expectOneLine(await runCli(['atp', 'NOPE-1'], env()), 'product NOPE-1 does not exist');
    expectOneLine(await runCli(['atp', 'CA-1', '--location', 'MOON'], env()), 'location MOON does not exist');
  });

  it('imports schedules with --replace without doubling them, and reports CSV errors as the HTTP upload does', async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1 } });
    await seedProducts(t, { 'CR-1': {} });
    const file = path.join(dir, `po-${kind}.csv`);
    fs.writeFileSync(file, 'sku,locationId,date,quantity,reference\nCR-1,EAST,2028-06-10,5,PO-1\nCR-1,EAST,2028-06-12,3,PO-1\n');
    for (let i = 0; i < 2; i++) expect((await runCli(['import', 'schedules', file, '--replace'], env())).code).toBe(0);
    const listed = async () => (await t!.api('GET', '/api/inventory/schedules?sku=CR-1')).body.items.map((e: any) => [e.date, e.quantity, e.reference]);
    expect(await listed()).toEqual([
      ['2028-06-10', 5, 'PO-1'],
      ['2028-06-12', 3, 'PO-1'],
    ]);
    expect((await runCli(['import', 'schedules', file], env())).code).toBe(0);
    expect(await listed()).toHaveLength(4);

    // A blank line and a quoted field over two lines before the bad rows: the lines still match the file.
    const bad = path.join(dir, `bad-${kind}.csv`);
    fs.writeFileSync(bad, 'sku,locationId,date,quantity,reference\n\nCR-1,EAST,2028-06-10,5,"two\nlines"\nNOPE-1,EAST,2028-06-31,5,PO-9\n');
    const r = await runCli(['import', 'schedules', bad], env());
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      `holdfast: ${bad}: the CSV has 2 errors in 2 rows, and nothing was written:`,
      '  row 2, date: must be a calendar date YYYY-MM-DD (CSV line 5)',
      '  row 2, sku: unknown sku "NOPE-1" (CSV line 5)',
      '',
    ]);
    expect(await listed()).toHaveLength(4);
  });
});
