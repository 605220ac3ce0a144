/**
 * What intake reads on every order (settings, the fulfillment policy, the locations), kept in memory per database
 * and re-read only when the configuration version moved. Every write of those bumps the version in the same
 * transaction, so a change made by any process is seen by the next transaction that reads the version. A transaction
 * reads it once: the orders of one group commit share the configuration of their transaction.
 */
import type { AppContext } from '../context.ts';
import { readPolicy, readSettings } from './settings.query.ts';
import { CandidateResolver } from '../../domain/policy/fulfillment-policy.ts';
import type { Settings } from '../../domain/settings/settings.ts';
import type { Database, Executor } from '../../store/database.ts';
import { allLocations } from '../../store/repositories/catalog.repository.ts';
import { readConfigVersion } from '../../store/repositories/config.repository.ts';

export interface ConfigSnapshot {
  readonly version: string;
  readonly settings: Settings;
  /** Candidate locations per line, from the policy and the active locations. */
  readonly resolver: CandidateResolver;
}

const snapshots = new WeakMap<Database, ConfigSnapshot>();
/** What each transaction read: the orders of a group commit share their transaction, and read the version once. */
const seenBy = new WeakMap<Executor, ConfigSnapshot>();

/** The configuration as the transaction `trx` sees it (read once a transaction). */
export async function configSnapshot(ctx: AppContext, trx: Executor): Promise<ConfigSnapshot> {
  const seen = seenBy.get(trx);
  if (seen) return seen;
  const version = await readConfigVersion(trx);
  let snapshot = snapshots.get(ctx.database);
  if (snapshot?.version !== version) {
    const [settings, policy, locations] = await Promise.all([readSettings(trx), readPolicy(trx), allLocations(trx)]);
    snapshot = { version, settings, resolver: new CandidateResolver(policy, locations) };
    snapshots.set(ctx.database, snapshot);
  }
  seenBy.set(trx, snapshot);
  return snapshot;
}
