import { sql } from 'kysely';
import { openDatabase } from '../src/store/database.ts';
import { claimDue, hasDue, insertDeliveries, oldestUntriedAt, settleDeliveries } from '../src/store/repositories/webhook-deliveries.repository.ts';
import { undispatchedOutbox } from '../src/store/repositories/outbox.repository.ts';
import { eventsForPayload } from '../src/store/repositories/webhook-payloads.repository.ts';
const url = process.argv[2] ?? '/tmp/plan-probe.db';
const database = openDatabase({ url });
await database.migrate();
const db = database.db;
const N = 20000;
await sql`delete from webhook_deliveries`.execute(db);
const now = Date.now();
const rows = Array.from({ length: N }, (_, i) => ({ subscriptionKey: 1, eventId: i + 1, lineId: `lin_${i}`, type: 'line.released', now, expiresAt: now + 1e9, queuedAt: now }));
await insertDeliveries(db, rows);
if (database.dialect === 'sqlite') await sql`analyze`.execute(db); else await sql`analyze webhook_deliveries`.execute(db);
const time = async (name: string, fn: () => Promise<unknown>, n = 20) => { const t0 = performance.now(); for (let i = 0; i < n; i++) await fn(); console.log(name, ((performance.now() - t0) / n).toFixed(2), 'ms'); };
await time('hasDue', () => hasDue(db, 1, Date.now()));
let claimed: any[] = [];
await time('claimDue 32', async () => { claimed = await claimDue(db, { subscriptionKey: 1, owner: 'x', now: Date.now(), until: Date.now() + 60000, limit: 32 }); });
await time('eventsForPayload 32', () => eventsForPayload(db, claimed.map((c) => c.eventId)));
await time('settle 32', () => database.transaction((trx) => settleDeliveries(trx, 'x', claimed.map((c) => ({ id: c.id, status: 'delivered', attempted: true, statusCode: 200, error: null, nextAttemptAt: c.nextAttemptAt, deliveredAt: Date.now() })))));
await time('oldestUntried', () => oldestUntriedAt(db));
await time('undispatchedOutbox 1000', () => undispatchedOutbox(db, 1000), 5);
const claimSql = database.dialect === 'sqlite'
  ? sql`explain query plan with due as (select d.id from webhook_deliveries d where d.subscription_key = 1 and d.status = 'pending' and d.next_attempt_at <= ${Date.now()} and (d.locked_until is null or d.locked_until < ${Date.now()}) and not exists (select 1 from webhook_deliveries p where p.subscription_key = d.subscription_key and p.line_id = d.line_id and p.status = 'pending' and p.event_id < d.event_id) order by d.next_attempt_at, d.id limit 32) update webhook_deliveries set locked_by = 'y' where id in (select id from due)`
  : sql`explain analyze with due as (select d.id from webhook_deliveries d where d.subscription_key = 1 and d.status = 'pending' and d.next_attempt_at <= ${Date.now()} and (d.locked_until is null or d.locked_until < ${Date.now()}) and not exists (select 1 from webhook_deliveries p where p.subscription_key = d.subscription_key and p.line_id = d.line_id and p.status = 'pending' and p.event_id < d.event_id) order by d.next_attempt_at, d.id limit 32 for update skip locked) update webhook_deliveries set locked_by = 'y' where id in (select id from due)`;
const plan = await claimSql.execute(db);
console.log(plan.rows.map((r: any) => r.detail ?? r['QUERY PLAN']).join('\n'));
await database.close();
