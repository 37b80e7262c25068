/** Where simulated records go: the in-process ingest pipeline, a running server, or NDJSON files. */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { IngestService } from '../ingest/service.ts';
import { logType } from '../registry/log-types.ts';
import type { Sink } from './engine.ts';
import { JsonWriter } from './json.ts';
import type { SimRecord } from './types.ts';

/**
 * Through the real ingest pipeline, in process (validation, sealing, group commit). Keeps up to
 * `inFlight` batches in the pipeline so that generating and preparing the next batches overlaps
 * with DuckDB committing the previous ones.
 */
export function ingestSink(ingest: IngestService, tenant: string, inFlight = 4): Sink {
  // As NDJSON text, like a client's request: large batches are then prepared on a worker thread.
  return pipelined(inFlight, async (category, records) => {
    let body = '';
    for (const r of records)
      body += `${JSON.stringify(r)}
`;
    await ingest.ingestText(tenant, logType(category), body, 'application/x-ndjson');
  });
}

/** Runs up to `inFlight` writes at once; the first failure fails the next write and close(). */
function pipelined(inFlight: number, send: (category: string, records: SimRecord[]) => Promise<void>): Sink {
  const running = new Set<Promise<void>>();
  let failure: unknown;
  return {
    async write(category, records) {
      if (failure) throw failure;
      const p = send(category, records).catch((err: unknown) => {
        failure ??= err;
      });
      running.add(p);
      void p.finally(() => running.delete(p));
      while (running.size >= inFlight) await Promise.race(running);
      if (failure) throw failure;
    },
    async close() {
      await Promise.all(running);
      if (failure) throw failure;
    },
  };
}

/** POSTs NDJSON batches to a running server, keeping up to `inFlight` requests open. */
export function httpSink(url: string, key: string, inFlight = 4): Sink {
  const base = url.replace(/\/$/, '');
  return pipelined(inFlight, async (category, records) => {
    let body = '';
    for (const r of records) body += `${JSON.stringify(r)}\n`;
    const res = await fetch(`${base}/api/v1/ingest/${category}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body,
    });
    if (!res.ok) throw new Error(`ingest ${category}: ${res.status} ${await res.text()}`);
  });
}

/**
 * One `<Category>.ndjson` file per category in a folder (Graph-shaped records, one per line).
 * `run` writes its lines from fragments (`lines`); `write` takes objects (`follow`).
 */
export function ndjsonSink(dir: string): Sink {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, WriteStream>();
  const writers = new Map<string, JsonWriter>();
  const file = (category: string) => {
    let out = files.get(category);
    if (!out) {
      out = createWriteStream(path.join(dir, `${category}.ndjson`));
      files.set(category, out);
    }
    return out;
  };
  const send = async (category: string, bytes: Uint8Array | string) => {
    const out = file(category);
    if (!out.write(bytes)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  return {
    async write(category, records) {
      let text = '';
      for (const r of records) text += `${JSON.stringify(r)}\n`;
      await send(category, text);
    },
    lines: {
      writer(category) {
        let w = writers.get(category);
        if (!w) {
          w = new JsonWriter(1 << 20);
          writers.set(category, w);
        }
        return w;
      },
      async flush() {
        // take() hands the buffer to the stream and starts a fresh one.
        for (const [category, w] of writers) if (w.pos > 0) await send(category, w.take());
      },
    },
    async close() {
      await Promise.all([...files.values()].map((f) => new Promise<void>((r) => f.end(() => r()))));
    },
  };
}
