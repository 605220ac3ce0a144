import type { Kysely } from 'kysely';

/**
 * `job_settled_skus`: per job type and sku, what a run found when it last planned the sku and planning the state it
 * left would change nothing: the key of that state (everything the sku's plan reads, and the run's context), how
 * many lines such a plan counts still on hold, and when the first of their cancellation SLAs runs out. A later run
 * of the job that finds the same key before then skips the sku's lines (src/app/jobs/settled-skus.ts).
 */
export function settledSkus() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('job_settled_skus')
        .addColumn('job_type', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('state_key', 'text', (c) => c.notNull())
        .addColumn('still_on_hold', 'integer', (c) => c.notNull())
        .addColumn('valid_until', 'bigint')
        .addPrimaryKeyConstraint('job_settled_skus_pkey', ['job_type', 'sku'])
        .execute();
    },
  };
}
