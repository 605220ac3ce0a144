/**
 * API keys: `hf_` and 40 random characters, shown once; only their SHA-256 is stored. A key's role decides
 * what it may do (SPEC section 7). Keys are listed (never the key itself), created with a label and revoked;
 * each remembers when it was last used, written at most once a minute.
 */
import { randomBytes } from 'node:crypto';
import type { Actor, AppContext, Role } from '../context.ts';
import { AppError, notFound } from '../errors.ts';
import { sha256 } from '../canonical.ts';
import { findApiKeyByHash, insertApiKey, listApiKeys as keyPage, revokeApiKey as revoke, touchApiKey } from '../../store/repositories/keys.repository.ts';
import type { ApiKeyRecord } from '../../store/repositories/keys.repository.ts';
import type { Page } from '../pagination.ts';

export type { ApiKeyRecord };

export const generateKey = () => `hf_${randomBytes(30).toString('base64url')}`;

/** How often a key's lastUsedAt is written at most. */
const TOUCH_GAP_MS = 60_000;

export interface CreatedKey extends ApiKeyRecord {
  /** The key itself: shown once, stored only hashed. */
  readonly key: string;
}

export async function createApiKey(ctx: AppContext, role: Role, label: string | null, key = generateKey()): Promise<CreatedKey> {
  const stored = await ctx.database.transaction(async (trx) => {
    const k = await insertApiKey(trx, { id: ctx.ids.next('key'), role, label, createdAt: ctx.clock.now(), hash: sha256(key) });
    // A key stored again (HOLDFAST_ADMIN_KEY at a start) may change role where another process remembers it.
    await ctx.database.store.announceKeysChanged(trx);
    return k;
  });
  return { ...stored, key };
}

/** Live keys, newest first. */
export function listApiKeys(ctx: AppContext, q: { after?: [number, string]; limit: number }): Promise<Page<ApiKeyRecord>> {
  return keyPage(ctx.database.db, q);
}

/**
 * Revokes a key: from now on it authenticates nothing (404 when no live key has this id). The last live admin key
 * stays (409): without one, keys could be managed only from the command line.
 */
export async function revokeApiKey(ctx: AppContext, id: string): Promise<ApiKeyRecord> {
  const revoked = await ctx.database.transaction(async (trx) => {
    const r = await revoke(trx, id, ctx.clock.now());
    if (typeof r === 'object') await ctx.database.store.announceKeysChanged(trx);
    return r;
  });
  if (revoked === 'last admin') {
    throw new AppError('conflict', `API key ${id} is the last admin key and cannot be revoked: create another admin key first, then revoke this one`);
  }
  if (!revoked) throw notFound(`API key ${id}`);
  return revoked;
}

/**
 * Resolves bearer tokens to actors. Known keys are remembered to keep the lookup off the hot path; unknown ones
 * are not, so a key made a moment ago by `holdfast keys create` works at once. A revoke through this process
 * (`forget`) takes effect at once, and so does one by another process: the database's key stamp then moves
 * (`Database.keysStamp`) and everything remembered is forgotten. `ttlMs` bounds how long a key is remembered should
 * a notice not be heard: a lookup per key every two seconds.
 */
export class KeyAuthenticator {
  private readonly cache = new Map<string, { actor: Actor; until: number }>();
  private readonly touched = new Map<string, number>();
  private stamp: number | null = null;
  /** Moves whenever something remembered is forgotten: a lookup that began before must not be remembered. */
  private generation = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly ttlMs = 2_000,
  ) {}

  async authenticate(token: string): Promise<Actor | null> {
    const hash = sha256(token);
    const now = Date.now();
    const stamp = this.ctx.database.keysStamp();
    if (stamp !== this.stamp) {
      this.cache.clear();
      this.generation++;
      this.stamp = stamp;
    }
    const generation = this.generation;
    const hit = this.cache.get(hash);
    let actor: Actor;
    if (hit && hit.until > now) {
      actor = hit.actor;
    } else {
      const record = await findApiKeyByHash(this.ctx.database.db, hash);
      if (!record) {
        this.cache.delete(hash);
        return null;
      }
      actor = { id: record.id, role: record.role as Role };
      // Remembered only if nothing changed while it was read: a revoke committed meanwhile (its notice heard, or this
      // process's own `forget`) may have found the key before this lookup answered, live.
      if (generation === this.generation && this.ctx.database.keysStamp() === stamp) {
        if (this.cache.size > 10_000) this.cache.clear();
        this.cache.set(hash, { actor, until: now + this.ttlMs });
      }
    }
    this.touch(actor.id, now);
    return actor;
  }

  /** Drops a revoked key from the cache: its next request is refused. */
  forget(keyId: string): void {
    for (const [hash, entry] of this.cache) if (entry.actor.id === keyId) this.cache.delete(hash);
    this.generation++;
  }

  /** Writes lastUsedAt in the background, at most once a minute per key. */
  private touch(keyId: string, realNow: number): void {
    const last = this.touched.get(keyId);
    if (last !== undefined && realNow - last < TOUCH_GAP_MS) return;
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(keyId, realNow);
    touchApiKey(this.ctx.database.db, keyId, this.ctx.clock.now(), TOUCH_GAP_MS).catch(() => this.touched.delete(keyId));
  }
}
