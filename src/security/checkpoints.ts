/**
 * Signed statements about hash chains (DESIGN.md "Security"):
 * - a **checkpoint** says "the chain of (tenant, category) reached seq n with head hash h";
 * - a **purge record** says "retention dropped seqs first..last of that chain, whose head was h".
 * Each is RFC 8785 JSON signed with Ed25519 (signing-key.ts). A checkpoint also names the previous
 * checkpoint of its chain, so a removed checkpoint shows. `verify` recomputes the chains against them.
 */
import { type KeyObject, sign, verify as verifySignature } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import type { SigningKey } from './signing-key.ts';

export interface CheckpointStatement {
  type: 'checkpoint';
  tenant: string;
  category: string;
  seq: number;
  hash: string;
  /** Records in the chain up to seq that were stored (seq minus what retention dropped before). */
  count: number;
  signedAt: string;
  keyId: string;
  /** The seq of the previous checkpoint of this chain (0 for the first). */
  previousSeq: number;
}

export interface PurgeStatement {
  type: 'purge';
  tenant: string;
  category: string;
  firstSeq: number;
  lastSeq: number;
  lastHash: string;
  records: number;
  /** The time range of the dropped records, and the retention that dropped them. */
  fromTime: string;
  toTime: string;
  retentionDays: number;
  purgedAt: string;
  keyId: string;
}

export type Statement = CheckpointStatement | PurgeStatement;

export interface Signed {
  payload: string;
  signature: string;
}

export function signStatement(key: SigningKey, statement: Statement): Signed {
  const payload = canonicalJson(statement);
  return { payload, signature: sign(null, Buffer.from(payload), key.privateKey).toString('base64url') };
}

/** The statement, when its signature holds for `publicKey`; null otherwise. */
export function openStatement(publicKey: KeyObject, signed: Signed): Statement | null {
  let ok = false;
  try {
    ok = verifySignature(
      null,
      Buffer.from(signed.payload),
      publicKey,
      Buffer.from(signed.signature, 'base64url'),
    );
  } catch {
    ok = false;
  }
  if (!ok) return null;
  try {
    return JSON.parse(signed.payload) as Statement;
  } catch {
    return null;
  }
}
