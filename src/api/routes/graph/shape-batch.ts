/**
 * A batch of stored records shaped into one piece of a download's body, the same in a worker
 * thread (shape-worker.ts) and in the request's own thread: JSON records each preceded by `,\n`
 * (the body's first record drops the comma), CSV lines each ending in CRLF.
 */
import type { LogType } from '../../../registry/types.ts';
import type { ByteSink } from './byte-sink.ts';
import type { ShapeOptions } from './shape.ts';
import { byteShaper } from './shape-bytes.ts';

export type ExportFormat = 'csv' | 'json';

const CRLF = Buffer.from('\r\n');
const NEXT = Buffer.from(',\n');

/** Shapes `records` (canonical JSON bytes each) into `out`. */
export function shapeBatch(
  type: LogType,
  opts: ShapeOptions,
  format: ExportFormat,
  records: Iterable<Buffer>,
  out: ByteSink,
): void {
  const shaper = byteShaper(type, opts);
  if (format === 'csv') {
    for (const record of records) {
      shaper.csv(record, out);
      out.put(CRLF);
    }
  } else {
    for (const record of records) {
      out.put(NEXT);
      shaper.json(record, out);
    }
  }
}

/** The records of a batch packed into one buffer: `data`, and where each record ends in it. */
export interface PackedRecords {
  data: Uint8Array;
  ends: Uint32Array;
}

/** Packs records for a transfer to a worker (one ArrayBuffer, not one per record). */
export function pack(records: readonly Buffer[]): PackedRecords {
  let size = 0;
  for (const r of records) size += r.length;
  const data = Buffer.allocUnsafeSlow(size);
  const ends = new Uint32Array(records.length);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    data.set(r, at);
    at += r.length;
    ends[i] = at;
  }
  return { data, ends };
}

/** The records of a packed batch, as views (no copy). */
export function* unpack(p: PackedRecords): Generator<Buffer> {
  const data = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength);
  let start = 0;
  for (const end of p.ends) {
    yield data.subarray(start, end);
    start = end;
  }
}
