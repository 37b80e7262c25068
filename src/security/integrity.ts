/**
 * `verify`: recomputes every hash chain and checks it against the signed checkpoints and purge
 * records, naming each problem and where it is. What it catches:
 * - a changed record (its content no longer hashes to its stored hash);
 * - a removed record (a gap in the sequence), or records removed up to a checkpoint;
 * - an inserted record (a duplicate sequence number, or a chain that no longer meets a checkpoint);
 * - reordered records (each hashes wrong at its new place);
 * - a chain rewritten with fresh hashes (its head differs from the signed checkpoint);
 * - an altered, forged or removed checkpoint or purge record (signature, or the chain of checkpoints).
 * Records after the newest checkpoint are checked link by link but are not signed yet: reported
 * as an unsealed tail, not as a problem.
 */
import type { KeyObject } from 'node:crypto';
import { LOG_TYPES } from '../registry/log-types.ts';
import type { LogType } from '../registry/types.ts';
import type { PurgeRow, SignedRow, Store } from '../store/store.ts';
import { type CheckpointStatement, openStatement, type PurgeStatement } from './checkpoints.ts';
import { chainHash, GENESIS_HASH } from './hash-chain.ts';

export type ProblemKind =
  | 'hash-mismatch'
  | 'compact-mismatch'
  | 'gap'
  | 'duplicate'
  | 'checkpoint-mismatch'
  | 'checkpoint-missing'
  | 'records-missing'
  | 'bad-signature'
  | 'unknown-key'
  | 'purge-mismatch';

export interface Problem {
  tenant: string;
  category: string;
  kind: ProblemKind;
  /** The sequence number where it was found, when there is one. */
  seq?: number;
  message: string;
}

export interface ChainSummary {
  tenant: string;
  category: string;
  records: number;
  checkpoints: number;
  purges: number;
  /** The last seq covered by a valid checkpoint (0: none). */
  sealedTo: number;
  /** Records after it, checked link by link only. */
  unsealed: number;
  ok: boolean;
}

export interface IntegrityReport {
  ok: boolean;
  chains: ChainSummary[];
  problems: Problem[];
}

export interface VerifyOptions {
  /** Public keys by key id: the data folder's own, or ones published elsewhere. */
  keys: ReadonlyMap<string, KeyObject>;
  /** Verify only the stretch of each chain between checkpoints signed in this window (ISO 8601). */
  from?: string;
  to?: string;
  onProgress?(done: number, total: number): void;
  pageSize?: number;
  /**
   * Checkpoints kept outside the store (digest files beside an archive): each must also be in the
   * store, with the same hash, and the chain is checked against them too.
   */
  outsideCheckpoints?: ReadonlyArray<{ payload: string; signature: string }>;
}

const MAX_PROBLEMS_PER_CHAIN = 100;

export async function verifyIntegrity(store: Store, opts: VerifyOptions): Promise<IntegrityReport> {
  const chains: ChainSummary[] = [];
  const problems: Problem[] = [];
  const work: Array<{ type: LogType; tenant: string }> = [];
  let total = 0;
  for (const type of LOG_TYPES) {
    const tenants = new Set<string>((await store.chainHeads(type)).keys());
    for (const c of await store.listCheckpoints({ category: type.category })) tenants.add(c.tenant);
    for (const o of opts.outsideCheckpoints ?? []) {
      const s = parseStatement(o.payload);
      if (s?.category === type.category) tenants.add(s.tenant);
    }
    for (const tenant of [...tenants].sort()) {
      work.push({ type, tenant });
      total += await store.count(type, tenant);
    }
  }
  let done = 0;
  for (const { type, tenant } of work) {
    const found: Problem[] = [];
    const summary = await verifyOne(store, type, tenant, opts, found, (n) => {
      done += n;
      opts.onProgress?.(done, total);
    });
    chains.push({ ...summary, ok: found.length === 0 });
    problems.push(...found);
  }
  return { ok: problems.length === 0, chains, problems };
}

async function verifyOne(
  store: Store,
  type: LogType,
  tenant: string,
  opts: VerifyOptions,
  problems: Problem[],
  progress: (n: number) => void,
): Promise<Omit<ChainSummary, 'ok'>> {
  const category = type.category;
  const report = (kind: ProblemKind, message: string, seq?: number) => {
    if (problems.length < MAX_PROBLEMS_PER_CHAIN) {
      problems.push({ tenant, category, kind, message, ...(seq !== undefined ? { seq } : {}) });
    }
  };

  // Purge records: each signed, each continuing the previous one.
  const purges = await store.listPurges({ tenant, category });
  let start = { seq: 0, hash: GENESIS_HASH };
  for (const p of purges) {
    const s = open<PurgeStatement>(p, 'purge', opts.keys, report);
    if (!s) continue;
    if (
      s.lastSeq !== p.seq ||
      s.lastHash !== p.hash ||
      s.firstSeq !== p.firstSeq ||
      s.records !== p.records
    ) {
      report('purge-mismatch', `purge record up to seq ${p.seq} differs from what was signed`, p.seq);
      continue;
    }
    if (s.firstSeq !== start.seq + 1) {
      report(
        'purge-mismatch',
        `purge record from seq ${s.firstSeq} does not follow the previous one (${start.seq})`,
        s.firstSeq,
      );
    }
    start = { seq: s.lastSeq, hash: s.lastHash };
  }

  // Checkpoints: each signed, each naming its predecessor.
  const checkpoints: CheckpointStatement[] = [];
  let previous = 0;
  for (const c of await store.listCheckpoints({ tenant, category })) {
    const s = open<CheckpointStatement>(c, 'checkpoint', opts.keys, report);
    if (!s) continue;
    if (s.seq !== c.seq || s.hash !== c.hash || s.tenant !== tenant || s.category !== category) {
      report('checkpoint-mismatch', `checkpoint at seq ${c.seq} differs from what was signed`, c.seq);
      continue;
    }
    if (s.previousSeq !== previous) {
      report(
        'checkpoint-missing',
        `checkpoint at seq ${s.seq} follows one at seq ${s.previousSeq}, which is missing`,
        s.previousSeq,
      );
    }
    previous = s.seq;
    checkpoints.push(s);
  }

  // Checkpoints kept outside the store: the store must still hold each, unchanged.
  for (const o of opts.outsideCheckpoints ?? []) {
    const head = parseStatement(o.payload);
    if (head?.type !== 'checkpoint' || head.tenant !== tenant || head.category !== category) continue;
    const row: SignedRow = {
      tenant,
      category,
      seq: head.seq,
      hash: head.hash,
      keyId: head.keyId,
      payload: o.payload,
      signature: o.signature,
    };
    const s = open<CheckpointStatement>(row, 'checkpoint', opts.keys, report);
    if (!s) continue;
    const inStore = checkpoints.find((c) => c.seq === s.seq);
    if (!inStore) {
      report(
        'checkpoint-missing',
        `checkpoint at seq ${s.seq} (signed ${s.signedAt}) is in the archive but not in the store`,
        s.seq,
      );
      checkpoints.push(s);
    } else if (inStore.hash !== s.hash) {
      report(
        'checkpoint-mismatch',
        `checkpoint at seq ${s.seq} differs between the store and the archive`,
        s.seq,
      );
    }
  }
  checkpoints.sort((a, b) => a.seq - b.seq);

  // The stretch to verify: all of it, or between the checkpoints around [from, to].
  let from = start;
  let until = Number.POSITIVE_INFINITY;
  if (opts.from) {
    const before = checkpoints.filter((c) => c.signedAt < opts.from! && c.seq > from.seq).at(-1);
    if (before) from = { seq: before.seq, hash: before.hash };
  }
  if (opts.to) {
    const after = checkpoints.find((c) => c.signedAt > opts.to!);
    if (after) until = after.seq;
  }
  const due = checkpoints.filter((c) => c.seq > from.seq && c.seq <= until);
  let next = 0; // index into due

  let seq = from.seq;
  let hash = from.hash;
  let records = 0;
  let sealedTo = checkpoints.filter((c) => c.seq <= from.seq).at(-1)?.seq ?? 0;
  const pageSize = opts.pageSize ?? 20_000;
  let readFrom = from.seq + 1;
  for (;;) {
    const page = await store.readChain(type, tenant, readFrom, pageSize, { withCompact: true });
    if (page.length === 0) break;
    for (const r of page) {
      if (r.seq > until) break;
      if (r.seq === seq) {
        report('duplicate', `seq ${r.seq} is stored twice (record ${r.id}): a record was inserted`, r.seq);
        continue;
      }
      if (r.seq !== seq + 1) {
        report('gap', `records ${seq + 1}..${r.seq - 1} are missing: removed from the chain`, seq + 1);
      } else {
        const want = chainHash(hash, tenant, category, r.seq, r.record);
        if (want !== r.hash) {
          report(
            'hash-mismatch',
            `record ${r.id} at seq ${r.seq} does not match its hash: changed, or moved`,
            r.seq,
          );
        }
      }
      // The compact copy the Graph API serves must be the hashed text too (a row without one is
      // served from `record`).
      if (r.compact != null) {
        let text: string | undefined;
        try {
          text = store.recordText(r.compact) ?? undefined;
        } catch {
          text = undefined;
        }
        if (text !== r.record) {
          report(
            'compact-mismatch',
            `record ${r.id} at seq ${r.seq}: its compact copy (what Graph pages serve) is not the hashed record: changed`,
            r.seq,
          );
        }
      }
      // Go on from the stored hash, so that one bad record is named once and the rest still checked.
      seq = r.seq;
      hash = r.hash;
      records++;
      while (next < due.length && due[next]!.seq <= seq) {
        const c = due[next++]!;
        if (c.seq === seq && c.hash !== hash) {
          report(
            'checkpoint-mismatch',
            `the chain's hash at seq ${seq} is not the one signed at ${c.signedAt}: rewritten`,
            seq,
          );
        } else if (c.seq < seq) {
          report('records-missing', `the record at checkpointed seq ${c.seq} is missing`, c.seq);
        } else sealedTo = c.seq;
      }
    }
    progress(page.length);
    const last = page.at(-1)!.seq;
    if (page.length < pageSize || last >= until) break;
    readFrom = last + 1;
  }
  for (; next < due.length; next++) {
    report(
      'records-missing',
      `checkpoint at seq ${due[next]!.seq} (signed ${due[next]!.signedAt}) covers records up to it, but the chain ends at seq ${seq}`,
      due[next]!.seq,
    );
  }
  return {
    tenant,
    category,
    records,
    checkpoints: checkpoints.length,
    purges: purges.length,
    sealedTo,
    unsealed: Math.max(0, seq - sealedTo),
  };
}

function parseStatement(payload: string): CheckpointStatement | null {
  try {
    const s = JSON.parse(payload) as CheckpointStatement;
    return s && typeof s === 'object' && typeof s.tenant === 'string' ? s : null;
  } catch {
    return null;
  }
}

function open<T extends CheckpointStatement | PurgeStatement>(
  row: SignedRow | PurgeRow,
  kind: T['type'],
  keys: ReadonlyMap<string, KeyObject>,
  report: (kind: ProblemKind, message: string, seq?: number) => void,
): T | null {
  const key = keys.get(row.keyId);
  if (!key) {
    report(
      'unknown-key',
      `${kind} at seq ${row.seq} is signed by key ${row.keyId}, which is not known here`,
      row.seq,
    );
    return null;
  }
  const s = openStatement(key, row);
  if (!s || s.type !== kind || s.keyId !== row.keyId) {
    report('bad-signature', `${kind} at seq ${row.seq}: the signature does not hold`, row.seq);
    return null;
  }
  return s as T;
}
