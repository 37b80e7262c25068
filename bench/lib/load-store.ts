/**
 * Fills a benchmark's data folder with sign-ins through the real in-process ingest pipeline
 * (parse, validate, seal, commit), NDJSON batches with up to 4 in flight, and a progress bar.
 * Shared by bench:graph, bench:kql and bench:export.
 */
import path from 'node:path';
import { logType } from '../../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../../src/security/api-keys.ts';
import { wirePipeline } from '../../src/server.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { int, progressBar } from './report.ts';

const SignInLogs = logType('SignInLogs');

/** Loads `records` (N of them) into `<dir>/idtrail.duckdb`; returns the open store and the load time. */
export async function loadSignIns(
  dir: string,
  records: Iterable<object>,
  n: number,
  batch: number,
): Promise<{ store: Store; seconds: number }> {
  const store = await openStore(`duckdb:${path.join(dir, 'idtrail.duckdb')}`, dir);
  const { ingest, close } = wirePipeline(store, { catalogMode: 'strict', ingestWorkers: 1 });
  const bar = progressBar('load', 'sign-ins');
  bar.start(n, 0, { rate: '' });
  const t0 = performance.now();
  let lines: string[] = [];
  let loaded = 0;
  const inflight = new Set<Promise<unknown>>();
  const flush = async () => {
    const body = `${lines.join('\n')}\n`;
    const count = lines.length;
    lines = [];
    const p = ingest.ingestText(DEFAULT_TENANT, SignInLogs, body, 'application/x-ndjson').then(() => {
      loaded += count;
      bar.update(loaded, { rate: `${int(loaded / ((performance.now() - t0) / 1000))} rec/s` });
    });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    if (inflight.size >= 4) await Promise.race(inflight);
  };
  for (const r of records) {
    lines.push(JSON.stringify(r));
    if (lines.length >= batch) await flush();
  }
  if (lines.length) await flush();
  await Promise.all(inflight);
  bar.stop();
  const seconds = (performance.now() - t0) / 1000;
  await close();
  return { store, seconds };
}
