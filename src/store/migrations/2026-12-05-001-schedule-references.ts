import type { Kysely } from 'kysely';

/**
 * Schedule entries found by their reference. An upload with `mode=replace` (and `import schedules --replace`) first
 * removes the entries of every (sku, location, reference) it names; with only the (sku, date) index each of those
 * deletes read every entry of the sku, so replacing 100,000 references took minutes.
 */
export function scheduleReferences() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex('schedule_entries_reference').on('schedule_entries').columns(['sku', 'location_id', 'reference']).execute();
    },
  };
}
