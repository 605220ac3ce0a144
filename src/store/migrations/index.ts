import type { Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from './dialect-types.ts';
import { initial } from './2026-11-25-001-initial.ts';
import { jobs } from './2026-11-25-002-jobs.ts';
import { promises } from './2026-12-01-001-promises.ts';
import { apiKeys } from './2026-12-01-003-api-keys.ts';
import { heldVersion } from './2026-12-01-004-held-version.ts';
import { integrityRepairs } from './2026-12-01-005-integrity-repairs.ts';
import { webhooks } from './2026-12-01-006-webhooks.ts';
import { heldCounts } from './2026-12-01-007-held-counts.ts';
import { settledSkus } from './2026-12-01-008-settled-skus.ts';
import { openLines } from './2026-12-04-001-open-lines.ts';
import { eventsOutbox } from './2026-12-04-002-events-outbox.ts';
import { runEventSpan } from './2026-12-04-003-run-event-span.ts';
import { scheduleReferences } from './2026-12-05-001-schedule-references.ts';
import { deliveriesFillfactor } from './2026-12-06-001-deliveries-fillfactor.ts';

/** The migrations, date-named, the same for both databases. */
export function migrationProvider(dialect: SqlDialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '2026-11-25-001-initial': initial(dialect),
        '2026-11-25-002-jobs': jobs(dialect),
        '2026-12-01-001-promises': promises(dialect),
        '2026-12-01-003-api-keys': apiKeys(),
        '2026-12-01-004-held-version': heldVersion(),
        '2026-12-01-005-integrity-repairs': integrityRepairs(dialect),
        '2026-12-01-006-webhooks': webhooks(dialect),
        '2026-12-01-007-held-counts': heldCounts(),
        '2026-12-01-008-settled-skus': settledSkus(),
        '2026-12-04-001-open-lines': openLines(dialect),
        '2026-12-04-002-events-outbox': eventsOutbox(),
        '2026-12-04-003-run-event-span': runEventSpan(),
        '2026-12-05-001-schedule-references': scheduleReferences(),
        '2026-12-06-001-deliveries-fillfactor': deliveriesFillfactor(dialect),
      };
    },
  };
}
