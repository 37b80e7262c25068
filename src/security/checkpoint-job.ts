/**
 * Signs a checkpoint for every chain that grew since its last one (hourly by default, and at
 * shutdown). Cheap: one head query per log type, one row per grown chain.
 */
import { LOG_TYPES } from '../registry/log-types.ts';
import type { Store } from '../store/store.ts';
import { type CheckpointStatement, signStatement } from './checkpoints.ts';
import type { SigningKey } from './signing-key.ts';

export interface CheckpointRun {
  at: string;
  signed: number;
  /** What was signed, for copies kept elsewhere (digest files beside an archive). */
  statements: Array<{ tenant: string; payload: string; signature: string }>;
}

export async function signCheckpoints(
  store: Store,
  key: SigningKey,
  now = new Date(),
): Promise<CheckpointRun> {
  const signedAt = now.toISOString();
  let signed = 0;
  const statements: CheckpointRun['statements'] = [];
  for (const type of LOG_TYPES) {
    const heads = await store.chainHeads(type);
    if (heads.size === 0) continue;
    const last = new Map<string, number>();
    for (const c of await store.listCheckpoints({ category: type.category })) last.set(c.tenant, c.seq);
    const dropped = new Map<string, number>();
    for (const p of await store.listPurges({ category: type.category })) dropped.set(p.tenant, p.seq);
    for (const [tenant, head] of heads) {
      const previousSeq = last.get(tenant) ?? 0;
      if (head.seq <= previousSeq) continue;
      const statement: CheckpointStatement = {
        type: 'checkpoint',
        tenant,
        category: type.category,
        seq: head.seq,
        hash: head.hash,
        count: head.seq - (dropped.get(tenant) ?? 0),
        signedAt,
        keyId: key.keyId,
        previousSeq,
      };
      const s = signStatement(key, statement);
      await store.insertCheckpoint(
        { tenant, category: type.category, seq: head.seq, hash: head.hash, keyId: key.keyId, ...s },
        signedAt,
      );
      statements.push({ tenant, ...s });
      signed++;
    }
  }
  return { at: signedAt, signed, statements };
}
