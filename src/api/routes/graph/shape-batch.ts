/**
 * A batch of stored records shaped into one piece of a download's body, the same in a worker
 * thread (shape-worker.ts) and in the request's own thread: JSON records each preceded by `,\n`
 * (the body's first record drops the comma), CSV lines each ending in CRLF. Batches come from
 * DuckDB as records joined by line breaks (query/sql/duckdb.ts compileRangeDuckDb).
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

/**
 * The records of a line-joined batch (stored canonical JSON never holds a raw line break), as
 * views of it (no copy).
 */
export function* lines(batch: Buffer): Generator<Buffer> {
  let start = 0;
  while (start < batch.length) {
    let end = batch.indexOf(10, start);
    if (end < 0) end = batch.length;
    yield batch.subarray(start, end);
    start = end + 1;
  }
}
