/**
 * The worker half of a backfill (backfill.ts). The window is cut into chunks of a few hours; worker
 * `shard` of `shards` takes every shards-th chunk, generates it (the same generators and per-hour
 * Rngs as `run`, with the whole window as context) and prepares each category's records with the
 * ingest pipeline's own `prepareItems` (normalise, validate, catalog check, columns, canonical
 * JSON). The prepared chunk goes to the main thread, which seals and commits chunks in order.
 * The simulator's records are already in normal form, so by default (`job.normalized`) ingest
 * skips normalising them and the hot generators share deep-frozen model values between records,
 * whose canonical text is then computed once; validation is the same either way.
 * Generating and preparing side by side spares serialising every record to NDJSON and parsing it
 * back, and leaves the main thread to sealing and the store.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PreparedRecord } from '../ingest/committer.ts';
import { prepareItems } from '../ingest/prepare.ts';
import { AuditCatalog } from '../registry/catalog/catalog.ts';
import { logType } from '../registry/log-types.ts';
import { RecordCodec } from '../store/record-codec.ts';
import { columnsJson } from '../store/row-json.ts';
import type { BackfillJob, FromMain, PreparedCategory, ToMain } from './backfill.ts';
import { generateHour, tenantFor } from './engine.ts';
import { GENERATORS } from './generators/index.ts';
import { HOUR, type SimContext, type SimRecord } from './types.ts';

const { job, shard, shards } = workerData as { job: BackfillJob; shard: number; shards: number };
const port = parentPort!;
const catalog = AuditCatalog.load();
let aborted = false;
let credit = job.inFlight;
let waiting: (() => void) | null = null;

// The store's dictionaries, to compress each record's compact form here rather than on the main
// thread; the store keeps the bytes (the same it would make) when they name the table's current one.
const codec = new RecordCodec(job.dictionaries);

port.on('message', (m: FromMain) => {
  if (m.kind === 'dictionaries') {
    for (const d of m.list) if (codec.dictionaryOf(d.table) === undefined) codec.add(d);
    return;
  }
  if (m.kind === 'abort') aborted = true;
  else credit++;
  waiting?.();
  waiting = null;
});

const send = (m: ToMain) => port.postMessage(m);

/** The UTF-8 bytes of each text, as views into one new ArrayBuffer (one transfer for all). */
function utf8Views(texts: readonly string[]): Uint8Array[] {
  const lengths = texts.map((t) => Buffer.byteLength(t));
  const all = Buffer.from(new ArrayBuffer(lengths.reduce((a, b) => a + b, 0)));
  let at = 0;
  return texts.map((t, i) => {
    all.write(t, at, 'utf8');
    at += lengths[i]!;
    return new Uint8Array(all.buffer, at - lengths[i]!, lengths[i]!);
  });
}

try {
  const ctx: SimContext = {
    tenant: tenantFor(job.seed, job.users, job.tenantId),
    seed: job.seed,
    from: job.from,
    to: job.to,
  };
  const hours = (job.to - job.from) / HOUR;
  const chunks = Math.ceil(hours / job.chunkHours);
  for (let c = shard; c < chunks && !aborted; c += shards) {
    while (credit <= 0 && !aborted) await new Promise<void>((r) => (waiting = r));
    if (aborted) break;
    credit--;
    const byCategory = new Map<string, SimRecord[]>();
    // Chunk c covers hours [start, end) of the window; newest first, chunk 0 is the window's end.
    const start = job.newestFirst ? Math.max(0, hours - (c + 1) * job.chunkHours) : c * job.chunkHours;
    const end = job.newestFirst ? hours - c * job.chunkHours : Math.min(hours, (c + 1) * job.chunkHours);
    for (let h = start; h < end; h++) {
      for (const [category, record] of generateHour(ctx, GENERATORS, job.from + h * HOUR, job.normalized)) {
        const list = byCategory.get(category);
        if (list) list.push(record);
        else byCategory.set(category, [record]);
      }
    }
    const batches: PreparedCategory[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const [category, records] of byCategory) {
      const type = logType(category);
      const prepared = prepareItems(type, records, {
        catalog,
        catalogMode: job.catalogMode,
        normalized: job.normalized,
      });
      if (prepared.records.length > 0) {
        // The canonical texts go to the main thread as UTF-8 in one transferred buffer: it hashes
        // and writes them as bytes, and never holds them as strings on its heap (GC).
        const texts = utf8Views(prepared.records.map((r) => r.canonical));
        transfer.push(texts[0]!.buffer as ArrayBuffer);
        if (job.compress && codec.dictionaryOf(type.table) !== undefined) {
          const compact = codec.encodeMany(type.table, texts);
          transfer.push(compact[0]!.buffer as ArrayBuffer);
          for (const [i, r] of prepared.records.entries()) r.compact = compact[i]!;
        }
        // The typed values too, serialised here as the store writes them (row-json.ts): the main
        // thread then neither clones nor serialises them.
        const columns = utf8Views(prepared.records.map((r) => columnsJson(type, r.values)));
        transfer.push(columns[0]!.buffer as ArrayBuffer);
        for (const [i, r] of prepared.records.entries()) {
          (r as PreparedRecord).canonical = texts[i]!;
          r.columnsJson = columns[i]!;
          r.values = [];
        }
      }
      batches.push({ category, received: records.length, ...prepared });
    }
    port.postMessage({ kind: 'chunk', index: c, hours: end - start, batches } satisfies ToMain, transfer);
  }
  send({ kind: 'done' });
} catch (err) {
  send({ kind: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
