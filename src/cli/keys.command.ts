/** `holdfast keys create|list|revoke`: quick commands on the database, no HTTP, no jobs. */
import type { Config } from '../config/config.ts';
import { ROLES } from '../app/context.ts';
import type { Role } from '../app/context.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../app/access/api-keys.ts';
import { withAppContext } from '../app/runtime.ts';
import { UsageError } from './args.ts';
import { table, when } from './table.ts';

const runtime = (config: Config) => ({ databaseUrl: config.databaseUrl, manualClock: config.manualClock, mustExist: true });

export async function createKeyCommand(config: Config, role: string | undefined, label: string | undefined): Promise<number> {
  if (role === undefined) throw new UsageError(`keys create needs --role, one of ${ROLES.join(', ')}`, 'keys create');
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`there is no role "${role}"; --role must be one of ${ROLES.join(', ')}`, 'keys create');
  if (label !== undefined && (label.length > 200 || label.includes('\u0000'))) throw new UsageError('--label must be at most 200 characters', 'keys create');
  const created = await withAppContext(runtime(config), (ctx) => createApiKey(ctx, role as Role, label ?? null));
  process.stderr.write(`created ${created.role} key ${created.id}${created.label ? ` (${created.label})` : ''}; it is shown once, keep it safe:\n`);
  process.stdout.write(`${created.key}\n`);
  return 0;
}

export async function listKeysCommand(config: Config): Promise<number> {
  const keys = await withAppContext(runtime(config), async (ctx) => {
    const all = [];
    let after: [number, string] | undefined;
    for (;;) {
      const page = await listApiKeys(ctx, { after, limit: 500 });
      all.push(...page.items);
      const last = page.items[page.items.length - 1];
      if (!page.nextCursor || !last) return all;
      after = [last.createdAt, last.id];
    }
  });
  if (keys.length === 0) {
    process.stdout.write('no API keys; holdfast keys create --role <role> makes one\n');
    return 0;
  }
  process.stdout.write(
    table(
      ['id', 'role', 'label', 'created', 'last used'],
      keys.map((k) => [k.id, k.role, k.label ?? '', when(k.createdAt), k.lastUsedAt === null ? 'never' : when(k.lastUsedAt)]),
    ),
  );
  return 0;
}

export async function revokeKeyCommand(config: Config, id: string): Promise<number> {
  const revoked = await withAppContext(runtime(config), (ctx) => revokeApiKey(ctx, id));
  process.stdout.write(`revoked ${revoked.role} key ${revoked.id}${revoked.label ? ` (${revoked.label})` : ''}\n`);
  return 0;
}
