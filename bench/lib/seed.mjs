/**
 * Seeded templates: a database made the way a user would make it (`holdfast migrate`, then locations and settings
 * through the HTTP API of `holdfast serve`), copied and filled directly in SQL with a generated world
 * (bench/lib/world.mjs), then checked: the row counts, the invariants (bench/lib/invariants.mjs), and
 * `holdfast doctor` when the build has it. Then settled (VACUUM ANALYZE on PostgreSQL) and closed, ready to be
 * copied per run.
 *
 * The settings every scenario runs with: backorders on, the on-hand change schedule on (so receipts count), and
 * the jobs' cron schedules and supply-change runs off, so that no run starts unless a scenario starts it.
 */
import { checkInvariants, countRows } from './invariants.mjs';
import { openSql, openWriter, settle } from './databases.mjs';
import { expectedCounts, generateWorld, LOCATIONS } from './world.mjs';
import { expectStatus, holdfastCli, startHoldfast } from './processes.mjs';

export const BENCH_SETTINGS = Object.freeze({
  backorders: true,
  onHandChangeSchedule: true,
  jobs: { backorder: { enabled: false, onSupplyChange: false }, preorder: { enabled: false } },
});

/**
 * @typedef {import('./databases.mjs').ScratchDb} ScratchDb
 * @typedef {{ db: ScratchDb, spec: import('./world.mjs').WorldSpec, generated: Awaited<ReturnType<typeof generateWorld>>, seconds: number }} World
 */

/**
 * The seeded templates of one bench run, each built once and shared by the scenarios that use the same world. Every
 * world starts from a copy of one base per database: migrated by `holdfast migrate`, with its locations and settings
 * put through the HTTP API of `holdfast serve`.
 */
export class Worlds {
  /** @param {{ scratch: import('./databases.mjs').Scratch, logDir: string, note?: (s: string) => void }} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    this.bases = new Map();
    this.worlds = new Map();
  }

  /** The configured, empty base database of a kind (built on first use). */
  base(kind) {
    if (!this.bases.has(kind)) this.bases.set(kind, forget(this.bases, kind, buildBase(this.ctx, kind)));
    return this.bases.get(kind);
  }

  /**
   * The template holding the world `spec` (built on first use).
   * @param {'sqlite' | 'postgres'} kind
   * @param {import('./world.mjs').WorldSpec} spec
   * @param {string} label
   * @returns {Promise<World>}
   */
  world(kind, spec, label) {
    const key = `${kind}:${JSON.stringify(spec)}`;
    if (!this.worlds.has(key)) this.worlds.set(key, forget(this.worlds, key, this.base(kind).then((base) => seedWorld(this.ctx, base, spec, label))));
    return this.worlds.get(key);
  }

  /** A fresh copy of a world's template, for one run. */
  copy(world, label) {
    return this.ctx.scratch.create(world.db.kind, label, world.db);
  }
}

/** A failed build is not cached: the next scenario that needs it tries again. */
function forget(map, key, promise) {
  return promise.catch((error) => {
    map.delete(key);
    throw error;
  });
}

async function buildBase(ctx, kind) {
  const note = ctx.note ?? (() => undefined);
  const db = await ctx.scratch.create(kind, 'base');
  try {
    note('holdfast migrate');
    const migrated = await holdfastCli(['migrate'], { DATABASE_URL: db.url });
    if (migrated.code !== 0) throw new Error(`holdfast migrate failed on ${db.name}: ${migrated.output}`);
    note('locations and settings over HTTP');
    const server = await startHoldfast({ databaseUrl: db.url, logDir: ctx.logDir });
    try {
      for (const l of LOCATIONS) {
        await expectStatus([200, 201], 'PUT', `${server.url}/api/locations/${l.id}`, { body: { name: l.name, priority: l.priority, handlingDays: l.handlingDays, active: true } });
      }
      await expectStatus(200, 'PATCH', `${server.url}/api/settings`, { body: BENCH_SETTINGS });
    } finally {
      await server.stop();
    }
    await settle(kind, db.url);
    return db;
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/** Copies the base and fills the copy with a generated world, then checks and settles it. */
async function seedWorld(ctx, base, spec, label) {
  const started = Date.now();
  const note = ctx.note ?? (() => undefined);
  const { kind } = base;
  const db = await ctx.scratch.create(kind, `${label}-template`, base);
  try {
    note(`seeding ${(spec.skus * spec.linesPerSku).toLocaleString('en-US')} held lines`);
    const writer = await openWriter(kind, db.url);
    let generated;
    try {
      generated = await generateWorld(spec, { now: Date.now(), firstEventId: await writer.nextEventId() }, writer.sink);
    } catch (error) {
      await writer.abort();
      throw error;
    }
    await writer.close();
    await passFanOut(kind, db.url);

    note('checking the seed');
    const expected = expectedCounts(spec, generated);
    const counts = await countRows(kind, db.url, Object.keys(expected));
    const wrong = Object.keys(expected).filter((t) => counts[t] !== expected[t]);
    if (wrong.length) throw new Error(`the seed of ${label} on ${kind} has ${wrong.map((t) => `${counts[t]} ${t} (expected ${expected[t]})`).join(', ')}`);
    const problems = await checkInvariants(kind, db.url);
    if (problems.length) throw new Error(`the seed of ${label} on ${kind} breaks invariants: ${problems.map((p) => `${p.count} ${p.detail}`).join('; ')}`);
    const doctor = await runDoctor(db.url);
    if (doctor && doctor.code !== 0) throw new Error(`holdfast doctor finds problems in the seed of ${label} on ${kind}:\n${doctor.output}`);

    note(kind === 'postgres' ? 'vacuum analyze' : 'checkpoint');
    await settle(kind, db.url);
    return { db, spec, generated, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/**
 * Events that have been there a while were fanned out to the webhook subscriptions (here there are none) long ago:
 * the fan-out position is set past them, so a server started on the seed does not spend the benchmark dispatching
 * a million old events.
 */
async function passFanOut(kind, url) {
  const sql = await openSql(kind, url);
  try {
    await sql.exec('update webhook_fan_out set event_id = (select coalesce(max(id), 0) from line_events)');
  } finally {
    await sql.close();
  }
}

let hasDoctor;
/** `holdfast doctor` on a database, when this build has the command (null otherwise). */
export async function runDoctor(databaseUrl) {
  if (hasDoctor === undefined) hasDoctor = (await holdfastCli(['help', 'doctor'], {})).code === 0;
  return hasDoctor ? holdfastCli(['doctor'], { DATABASE_URL: databaseUrl }) : null;
}
