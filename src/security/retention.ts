/**
 * Retention: per tenant and category, records older than the retention drop in whole days (before
 * 00:00 UTC of the day `days` ago), leaving a signed purge record so that `verify` still passes.
 *
 * Chains are in seal order, not time order, so a run drops the longest chain prefix whose records
 * are all past retention: for records ingested as they happen that is exactly the old days; a
 * back-filled import of old records goes once the records sealed before it are past retention too.
 */
import { LOG_TYPES } from '../registry/log-types.ts';
import type { Store } from '../store/store.ts';
import { type PurgeStatement, signStatement } from './checkpoints.ts';
import type { SigningKey } from './signing-key.ts';

/** Entra keeps sign-ins and audits 30 days (entra-formats.md); the default for every category. */
export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;
const DAY = 86_400_000;

export interface RetentionRun {
  startedAt: string;
  finishedAt: string;
  purged: Array<{
    tenant: string;
    category: string;
    records: number;
    firstSeq: number;
    lastSeq: number;
    before: string;
  }>;
  error?: string;
}

/** The cutoff of a retention: 00:00 UTC of the day `days` before `now`'s day. */
export function retentionCutoff(now: Date, days: number): Date {
  const today = Math.floor(now.getTime() / DAY) * DAY;
  return new Date(today - days * DAY);
}

export async function runRetention(
  store: Store,
  key: SigningKey,
  defaults: { days: number },
  now = new Date(),
  onlyTenant?: string,
): Promise<RetentionRun> {
  const startedAt = new Date().toISOString();
  const overrides = new Map<string, number>();
  for (const p of await store.listRetention()) overrides.set(`${p.tenant}\u0000${p.category}`, p.days);
  const purged: RetentionRun['purged'] = [];
  for (const type of LOG_TYPES) {
    const heads = await store.chainHeads(type);
    for (const tenant of heads.keys()) {
      if (onlyTenant !== undefined && tenant !== onlyTenant) continue;
      const days = overrides.get(`${tenant}\u0000${type.category}`) ?? defaults.days;
      const before = retentionCutoff(now, days).toISOString();
      const b = await store.purgeBoundary(type, tenant, before);
      if (!b) continue;
      const purgedAt = new Date().toISOString();
      const statement: PurgeStatement = {
        type: 'purge',
        tenant,
        category: type.category,
        firstSeq: b.firstSeq,
        lastSeq: b.lastSeq,
        lastHash: b.lastHash,
        records: b.records,
        fromTime: b.minTime,
        toTime: b.maxTime,
        retentionDays: days,
        purgedAt,
        keyId: key.keyId,
      };
      const s = signStatement(key, statement);
      await store.purge(
        type,
        {
          tenant,
          category: type.category,
          seq: b.lastSeq,
          hash: b.lastHash,
          firstSeq: b.firstSeq,
          records: b.records,
          keyId: key.keyId,
          ...s,
        },
        purgedAt,
      );
      purged.push({
        tenant,
        category: type.category,
        records: b.records,
        firstSeq: b.firstSeq,
        lastSeq: b.lastSeq,
        before,
      });
    }
  }
  return { startedAt, finishedAt: new Date().toISOString(), purged };
}
