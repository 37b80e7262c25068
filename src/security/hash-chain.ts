/**
 * The hash chain that seals every record: per (tenant, log type), record n carries
 *   hash_n = SHA-256( hash_{n-1} "\n" tenant "\n" category "\n" n "\n" canonicalJson(record_n) )
 * in lower-case hex, with hash_0 = 64 zeros. Changing, removing, inserting or reordering any
 * record breaks every hash after it.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(
  prev: string,
  tenant: string,
  category: string,
  seq: number,
  /** The canonical text, or its UTF-8 bytes (the same hash). */
  canonical: string | Uint8Array,
): string {
  return createHash('sha256')
    .update(`${prev}\n${tenant}\n${category}\n${seq}\n`)
    .update(canonical)
    .digest('hex');
}

export interface ChainLink {
  seq: number;
  hash: string;
  record: string;
}

export type ChainBreak = { seq: number; reason: 'gap' | 'hash-mismatch'; expected: string; found: string };

/**
 * Checks a run of links that follows `prev` (the hash at seq `prevSeq`). Returns the first break,
 * or the new head when the run is intact.
 */
export function verifyLinks(
  tenant: string,
  category: string,
  prevSeq: number,
  prev: string,
  links: readonly ChainLink[],
): { ok: true; seq: number; hash: string } | { ok: false; break: ChainBreak } {
  let seq = prevSeq;
  let hash = prev;
  for (const l of links) {
    if (l.seq !== seq + 1) {
      return {
        ok: false,
        break: { seq: seq + 1, reason: 'gap', expected: String(seq + 1), found: String(l.seq) },
      };
    }
    const want = chainHash(hash, tenant, category, l.seq, l.record);
    if (want !== l.hash)
      return { ok: false, break: { seq: l.seq, reason: 'hash-mismatch', expected: want, found: l.hash } };
    seq = l.seq;
    hash = l.hash;
  }
  return { ok: true, seq, hash };
}
