/**
 * API keys. A key is a random secret shown once; the store keeps only its SHA-256. (A fast hash is
 * right here, unlike for passwords: keys carry 256 bits of entropy, so there is nothing to brute
 * force, and every request must check one.) Each key belongs to one tenant and holds roles.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RoleName } from '../registry/roles.ts';
import type { ApiKeyRow, KeyStore } from '../store/store.ts';

export const DEFAULT_TENANT = '00000000-0000-0000-0000-000000000000';

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The short id of a key: derived from its hash, so a bootstrap secret gets a stable one too. */
export function keyIdOf(hash: string): string {
  return `k_${hash.slice(0, 12)}`;
}

export interface IssuedKey {
  secret: string;
  keyId: string;
  tenant: string;
  roles: RoleName[];
}

export async function createKey(
  store: KeyStore,
  opts: { tenant: string; roles: RoleName[]; name?: string; secret?: string },
): Promise<IssuedKey> {
  const secret = opts.secret ?? `idt_${randomBytes(32).toString('base64url')}`;
  const hash = hashKey(secret);
  const keyId = keyIdOf(hash);
  await store.insertKey({
    hash,
    keyId,
    tenant: opts.tenant,
    name: opts.name ?? keyId,
    roles: [...opts.roles],
  });
  return { secret, keyId, tenant: opts.tenant, roles: [...opts.roles] };
}

/** Makes sure a key with this secret exists (Global Administrator + ingest, default tenant). */
export async function ensureBootstrapKey(store: KeyStore, secret: string): Promise<ApiKeyRow> {
  const hash = hashKey(secret);
  const existing = await store.findKey(hash);
  if (existing && !existing.revokedAt) return existing;
  if (existing) throw new Error('IDTRAIL_BOOTSTRAP_KEY names a key that was revoked; choose another secret');
  await createKey(store, {
    tenant: DEFAULT_TENANT,
    roles: ['Global Administrator', 'ingest'],
    name: 'bootstrap',
    secret,
  });
  return (await store.findKey(hash))!;
}

/** Resolves bearer secrets to keys, caching briefly so a revocation takes effect within `ttlMs`. */
export class KeyResolver {
  private cache = new Map<string, { key: ApiKeyRow | null; until: number }>();

  constructor(
    private readonly store: KeyStore,
    private readonly ttlMs = 5_000,
  ) {}

  async resolve(secret: string): Promise<ApiKeyRow | null> {
    const hash = hashKey(secret);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.key;
    const row = (await this.store.findKey(hash)) ?? null;
    const key = row && !row.revokedAt ? row : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { key, until: now + this.ttlMs });
    return key;
  }

  forget(): void {
    this.cache.clear();
  }
}
