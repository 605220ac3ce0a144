import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from './dialect-types.ts';

/**
 * Room on each page of `webhook_deliveries` (PostgreSQL) for the version a claim writes: a claim sets only
 * `locked_by` and `locked_until`, which no index holds, so with room on the page its update stays there (HOT) and
 * writes no index entry. A full page sent each claimed row to another page, with an entry in all five indexes.
 * Pages written from now on keep the room; SQLite updates rows in place and has no such setting.
 */
export function deliveriesFillfactor(dialect: SqlDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      if (dialect === 'postgres') await sql`alter table webhook_deliveries set (fillfactor = 70)`.execute(db);
    },
  };
}
