/**
 * API keys: `hf_` and 40 random characters, shown once; only their SHA-256 is stored. A key's role decides
 * what it may do (SPEC section 7).
 */
import { randomBytes } from 'node:crypto';
import type { Actor, AppContext, Role } from '../context.ts';
import { sha256 } from '../canonical.ts';
import { findApiKeyByHash, insertApiKey } from '../../store/repositories/keys.repository.ts';

export const generateKey = () => `hf_${randomBytes(30).toString('base64url')}`;

export async function createApiKey(ctx: AppContext, role: Role, label: string | null, key = generateKey()): Promise<{ id: string; key: string; role: Role }> {
  const id = ctx.ids.next('key');
  await insertApiKey(ctx.database.db, { id, role, label, createdAt: ctx.clock.now(), hash: sha256(key) });
  return { id, key, role };
}

/**
 * Resolves bearer tokens to actors. Known keys are remembered for a few seconds to keep the lookup off the hot
 * path; unknown ones are not, so a key made a moment ago by `holdfast keys create` works at once.
 */
export class KeyAuthenticator {
  private readonly cache = new Map<string, { actor: Actor; until: number }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly ttlMs = 5_000,
  ) {}

  async authenticate(token: string): Promise<Actor | null> {
    const hash = sha256(token);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.actor;
    const record = await findApiKeyByHash(this.ctx.database.db, hash);
    if (!record) return null;
    const actor: Actor = { id: record.id, role: record.role as Role };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { actor, until: now + this.ttlMs });
    return actor;
  }
}
