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
import { SCENARIO_SETTINGS, T0, expectProblem, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts, seedSchedules, tableCount } from '../fixtures/seed.ts';
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
      `holdfast: ${bad}: the CSV has 2 errors in 1 of its 2 data rows (CSV line 5), and nothing was written:`,
      '  row 2, date: must be a calendar date YYYY-MM-DD (CSV line 5)',
      '  row 2, sku: unknown sku "NOPE-1" (CSV line 5)',
      '',
    ]);
    expect(await listed()).toHaveLength(4);
  });

  it('counts the data rows with errors and names their CSV lines, for on-hand and schedules alike', async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1 }, WEST: { priority: 2 } });
    await seedProducts(t, { 'CE-1': {}, 'CE-2': {} });
    const csv = (name: string, text: string) => {
      const file = path.join(dir, `${name}-${kind}.csv`);
      fs.writeFileSync(file, text);
      return file;
    };
    const refused = async (kindOfImport: 'on-hand' | 'schedules', file: string) => {
      const r = await runCli(['import', kindOfImport, file], env());
      expect(r.code, r.stdout).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      return r.stderr.trimEnd().split('\n');
    };

    // Six bad rows and a good one under the header: six errors in six of the seven data rows, on CSV lines 2-7.
    const six = [1, 2, 3, 4, 5, 6];
    const schedules = csv('six-bad', ['sku,locationId,date,quantity', ...six.map((i) => `NOPE-${i},EAST,2028-06-10,5`), 'CE-1,EAST,2028-06-10,5', ''].join('\n'));
    expect(await refused('schedules', schedules)).toEqual([
      `holdfast: ${schedules}: the CSV has 6 errors in 6 of its 7 data rows (CSV lines 2-7), and nothing was written:`,
      ...six.map((i) => `  row ${i}, sku: unknown sku "NOPE-${i}" (CSV line ${i + 1})`),
    ]);

    // Two errors in one row, one in another, a blank line, a row with a cell too many: four errors in three of four rows.
    const onHand = csv('on-hand-bad', 'sku,locationId,onHand\nCE-1,EAST,1\nNOPE-1,MOON,2\nCE-1,WEST,x\n\nCE-2,EAST,4,9\n');
    expect(await refused('on-hand', onHand)).toEqual([
      `holdfast: ${onHand}: the CSV has 4 errors in 3 of its 4 data rows (CSV lines 3-4 and 6), and nothing was written:`,
      '  row 2, sku: unknown sku "NOPE-1" (CSV line 3)',
      '  row 2, locationId: unknown location "MOON" (CSV line 3)',
      '  row 3, onHand: must be an integer (CSV line 4)',
      '  row 4: has 4 cells but the header names 3 columns (CSV line 6)',
    ]);

    // Every other row of 240 bad: the lines are summed up, and the first 100 errors listed.
    const every = csv('every-other', ['sku,locationId,date,quantity', ...Array.from({ length: 240 }, (_, i) => `CE-1,EAST,2028-06-10,${i % 2}`), ''].join('\n'));
    const many = await refused('schedules', every);
    expect(many[0]).toBe(`holdfast: ${every}: the CSV has 120 errors in 120 of its 240 data rows (CSV lines 2, 4, 6, 8, 10 and more up to 240); the first 100 are listed, and nothing was written:`);
    expect(many).toHaveLength(101);

    // Errors of the file itself are no data row's.
    const header = csv('bad-header', 'sku,location,onHand\nCE-1,EAST,1\n');
    expect(await refused('on-hand', header)).toEqual([
      `holdfast: ${header}: the CSV has 3 errors, and nothing was written:`,
      '  the header lacks the column "locationId" (CSV line 1)',
      '  the header has an unknown column "location" (CSV line 1)',
      '  the header must be sku,locationId,onHand (CSV line 1)',
    ]);
    const cut = csv('cut-short', 'sku,locationId,date,quantity\nCE-1,EAST,2028-06-10,5,extra\nCE-1,EAST,2028-06-10,5\n"CE-1,EAST,2028-06-10,5\n');
    expect(await refused('schedules', cut)).toEqual([
      `holdfast: ${cut}: the CSV has 1 error in 1 of the 2 data rows checked (CSV line 2) and 1 that stopped the check, and nothing was written:`,
      '  row 1: has 5 cells but the header names 4 columns (CSV line 2)',
      '  row 3: a quoted field is not closed (CSV line 4)',
    ]);
    expect(await tableCount(t, 'stock')).toBe(0);
    expect(await tableCount(t, 'schedule_entries')).toBe(0);
  });

  /** A released line of CD-2 and a held line of CD-1 dated by a schedule entry at EAST: order DOC-7, lines 1 and 2. */
  async function heldWorld(s: TestService) {
    await patchSettings(s, SCENARIO_SETTINGS);
    await seedLocations(s, { EAST: { priority: 1 } });
    await seedProducts(s, { 'CD-1': {}, 'CD-2': {} });
    await seedOnHand(s, [['CD-2', 'EAST', 5]]);
    await seedSchedules(s, [{ sku: 'CD-1', locationId: 'EAST', date: '2028-06-10', quantity: 5 }]);
    const order = await placeOrder(s, 'DOC-7', [
      ['CD-2', 2],
      ['CD-1', 3],
    ]);
    const held = order.lines[1];
    expect(order.lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST' });
    expect(held).toMatchObject({ lineNumber: 2, statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-10' });
    expect(held.estimatedShipmentDate).toMatch(/^2028-06-\d\d$/);
    return held as { id: string; estimatedShipmentDate: string };
  }

  it('doctor reports a bad line once, by its order and line number, and says what --repair would do about each problem', async () => {
    t = await startTestService(kind, { now: T0 });
    const held = await heldWorld(t);
    const db = t.service.database.db;
    // The held line loses its availability date (keeping its location and shipment date), and reserved is 2 too many.
    await db.updateTable('order_lines').set({ inventory_availability_date: null }).where('id', '=', held.id).execute();
    await db.updateTable('stock').set({ reserved: 4 }).where('sku', '=', 'CD-2').where('location_id', '=', 'EAST').execute();

    const check = await runCli(['doctor'], env());
    expect(check.code, check.stderr).toBe(1);
    const out = check.stdout.trimEnd().split('\n');
    expect(out[0]).toBe('holdfast doctor: 3 problems');
    const entries = out.slice(1);
    expect(entries).toHaveLength(3);
    // The line once, said from its fields: not "a shipment date but no availability date" and then "no dates".
    const ofLine = entries.filter((l) => l.includes(held.id));
    expect(ofLine, check.stdout).toHaveLength(1);
    expect(ofLine[0]).toMatch(/^  held_dates +CD-1 DOC-7 line 2 \(lin_\w+\): /);
    expect(ofLine[0]).toContain(`: BackorderHold with location EAST and shipment date ${held.estimatedShipmentDate} but no availability date (a held line has a location and both dates, or none of them)`);
    expect(ofLine[0]).toMatch(/; --repair changes no line and no event: which state a line should be in is for a person to decide$/);
    expect(check.stdout).not.toContain('no dates');
    expect(entries).toContain('  reserved_mismatch  CD-2 EAST: reserved 4, but its released, unshipped lines hold 2 units; --repair sets reserved to what those lines hold');
    expect(entries).toContain('  promised_mismatch  CD-1 EAST 2028-06-10: promised quantity 3, but the held lines promised there hold 0 units; --repair sets the promised quantity to what those lines hold');

    const repair = await runCli(['doctor', '--repair'], env());
    expect(repair.code, repair.stderr).toBe(1);
    const after = repair.stdout.slice(repair.stdout.indexOf('after the repair')).trimEnd().split('\n');
    expect(after).toEqual(['after the repair: 1 problem', ofLine[0]]);
  });

  it('jobs run --dry-run shows each record by its order externalId, line number, sku and location, the line id last', async () => {
    t = await startTestService(kind, { now: T0 });
    const held = await heldWorld(t);
    await seedOnHand(t, [['CD-1', 'EAST', 3]]);
    await t.setClock(T0); // the CLI reads the stored manual time
    const http = await t.api('POST', '/api/jobs/backorder/runs?dryRun=true');
    expect(http.status, http.text).toBe(200);
    expect(http.body.records).toHaveLength(1);
    const record = http.body.records[0];
    expect(record).toMatchObject({ lineId: held.id, from: 'BackorderHold', to: 'AwaitingFulfillment', locationId: 'EAST' });

    const r = await runCli(['jobs', 'run', 'backorder', '--dry-run'], env());
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]!.split(/\s+/)).toEqual(['order', 'line', 'sku', 'quantity', 'from', '->', 'to', 'location', 'available', 'ships', 'line', 'id']);
    expect(out[1]!.split(/\s+/)).toEqual(['DOC-7', '2', 'CD-1', '3', 'BackorderHold', '->', 'AwaitingFulfillment', 'EAST', record.inventoryAvailabilityDate, record.estimatedShipmentDate, held.id]);
    expect(out[1]).not.toContain(record.orderId);
    expect(r.stdout).toContain('backorder dry run: 1 record, nothing written');
  });

  it('migrate says when there is nothing to apply', async () => {
    t = await startTestService(kind, { now: T0 });
    const r = await runCli(['migrate'], env());
    expect(r.code, r.stderr).toBe(0);
    const where = kind === 'sqlite' ? t.databaseUrl : 'the database at DATABASE_URL';
    expect(r.stdout).toMatch(/^nothing to apply: .+ is up to date \(\d+ migrations\)\n$/);
    expect(r.stdout).toContain(`nothing to apply: ${where} is up to date (`);
  });
});

describe('holdfast migrate on a SQLite file', () => {
  it('names the migrations it applies, and says when there was nothing to apply', async () => {
    const file = path.join(dir, 'migrate.db');
    const env = { DATABASE_URL: file };
    const first = await runCli(['migrate'], env);
    expect(first.code, first.stderr).toBe(0);
    const [head, ...names] = first.stdout.trimEnd().split('\n');
    const total = names.length;
    expect(total).toBeGreaterThan(10);
    expect(head).toBe(`applied all ${total} migrations to ${file} (a new database):`);
    expect(names[0]).toBe('  2026-11-25-001-initial');
    expect(names).toContain('  2026-12-05-001-schedule-references');

    const again = await runCli(['migrate'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(`nothing to apply: ${file} is up to date (${total} migrations)\n`);

    // As if the database predated the last migration: it is applied, and named.
    const db = new Database(file);
    db.exec("drop index schedule_entries_reference; delete from kysely_migration where name = '2026-12-05-001-schedule-references'");
    db.close();
    const one = await runCli(['migrate'], env);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toBe(`applied 1 of ${total} migrations to ${file}:\n  2026-12-05-001-schedule-references\n`);
  });

  it('imports a CSV over the HTTP upload limit, as its help says', async () => {
    const help = await runCli(['help', 'import', 'schedules'], {});
    expect(help.stdout).toContain('A file of any size: it is read as a stream, so this is the way to import more than the HTTP API takes: POST /api/inventory/schedules takes at most 100,000 rows and 16 MiB.');
    const t = await startTestService('sqlite', { now: T0 });
    try {
      await seedLocations(t, { EAST: { priority: 1 } });
      await seedProducts(t, { 'BIG-1': {} });
      const file = path.join(dir, 'over-the-limit.csv');
      const rows = Array.from({ length: 100_001 }, (_, i) => `BIG-1,EAST,2028-07-${String(1 + (i % 28)).padStart(2, '0')},1,PO-${i % 100}`);
      fs.writeFileSync(file, `sku,locationId,date,quantity,reference\n${rows.join('\n')}\n`);
      const over = await t.api('POST', '/api/inventory/schedules', undefined, { raw: fs.readFileSync(file, 'utf8'), contentType: 'text/csv' });
      expectProblem(over, 400);
      const r = await runCli(['import', 'schedules', file], { DATABASE_URL: t.databaseUrl, HOLDFAST_CLOCK: 'manual' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('imported 100001 schedules rows');
      expect(await tableCount(t, 'schedule_entries')).toBe(100_001);
    } finally {
      await t.close();
    }
  });
});
