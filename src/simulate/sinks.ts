/** Where simulated records go: the in-process ingest pipeline, a running server, or NDJSON files. */
import { mkdirSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IngestService } from '../ingest/service.ts';
import { logType } from '../registry/log-types.ts';
import type { Sink } from './engine.ts';
import { NdjsonFile } from './ndjson-file.ts';
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
 * `run` writes its lines from fragments (`lines`) into an NdjsonFile per category: large chunks
 * written in the background, direct to the disk where the filesystem allows. `write` takes objects
 * (`follow`'s live trickle) and appends them, after the category's bulk file is complete.
 */
export function ndjsonSink(dir: string): Sink {
  mkdirSync(dir, { recursive: true });
  const bulk = new Map<string, NdjsonFile>();
  /** Categories whose file this sink has created (a later write appends). */
  const started = new Set<string>();
  const fileOf = (category: string) => path.join(dir, `${category}.ndjson`);
  return {
    async write(category, records) {
      const open = bulk.get(category);
      if (open) {
        bulk.delete(category);
        await open.close();
      }
      let text = '';
      for (const r of records) text += `${JSON.stringify(r)}\n`;
      if (started.has(category)) await appendFile(fileOf(category), text);
      else await writeFile(fileOf(category), text);
      started.add(category);
    },
    lines: {
      writer(category) {
        let file = bulk.get(category);
        if (!file) {
          if (started.has(category)) throw new Error(`${category}: its bulk NDJSON file is already complete`);
          // 1 MiB chunks, 4 buffers (~5 MiB) a category; more only while the disk lags.
          file = new NdjsonFile(fileOf(category), { chunk: 1 << 20, slack: 256 << 10, buffers: 4 });
          bulk.set(category, file);
          started.add(category);
        }
        file.spill();
        return file.writer;
      },
      async flush() {
        for (const file of bulk.values()) await file.drain();
      },
    },
    async close() {
      const files = [...bulk.values()];
      bulk.clear();
      await Promise.all(files.map((f) => f.close()));
    },
  };
}
