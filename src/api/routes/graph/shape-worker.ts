/**
 * A worker thread that shapes batches of a download's records (shape-batch.ts), so the request's
 * thread is left to reading DuckDB's results and writing the socket. The batch's bytes come in
 * and the shaped piece goes back as transferred ArrayBuffers (no copies between threads).
 */
import { parentPort } from 'node:worker_threads';
import { logType } from '../../../registry/log-types.ts';
import { ByteSink } from './byte-sink.ts';
import { lines, shapeBatch } from './shape-batch.ts';
import type { ShapeJob, ShapeReply } from './shape-pool.ts';

parentPort!.on('message', (job: ShapeJob) => {
  let reply: ShapeReply;
  try {
    const batch = Buffer.from(job.batch.buffer, job.batch.byteOffset, job.batch.byteLength);
    const out = new ByteSink(Math.ceil(batch.length * 1.4) + 1024);
    shapeBatch(logType(job.category), job.opts, job.format, lines(batch), out);
    const piece = out.take();
    reply = { id: job.id, piece };
    parentPort!.postMessage(reply, [piece.buffer as ArrayBuffer]);
  } catch (err) {
    reply = { id: job.id, failure: (err as Error).stack ?? String(err) };
    parentPort!.postMessage(reply);
  }
});
