/**
 * Fills a benchmark's data folder with sign-ins through the real in-process ingest pipeline
 * (parse, validate, seal, commit), NDJSON batches with up to 4 in flight, and a progress bar.
 * Shared by bench:graph, bench:kql and bench:export.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { logType } from '../../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../../src/security/api-keys.ts';
import { wirePipeline } from '../../src/server.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { int, progressBar } from './report.ts';
import { signIns } from './signins.ts';

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

/**
 * The sign-ins a read benchmark runs over: `n` of them for `users` users, ending about now, in
 * `dir`, or in a new temporary folder removed by `cleanup`. A `dir` that already holds exactly
 * `n` sign-ins is reused as it is (a 10M load takes the better part of an hour on 2 cores), so
 * bench:graph and bench:kql can share one load: `--data DIR`.
 */
export async function benchSignIns(opts: {
  label: string;
  n: number;
  users: number;
  batch: number;
  dir?: string;
}): Promise<{ dir: string; store: Store; seconds: number | undefined; cleanup: () => void }> {
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), `idtrail-bench-${opts.label}-`));
  mkdirSync(dir, { recursive: true });
  const cleanup = () => {
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
  };
  if (existsSync(path.join(dir, 'idtrail.duckdb'))) {
    const store = await openStore(`duckdb:${path.join(dir, 'idtrail.duckdb')}`, dir);
    const have = await store.count(SignInLogs, DEFAULT_TENANT);
    if (have === opts.n) return { dir, store, seconds: undefined, cleanup };
    await store.close();
    throw new Error(`${dir} holds ${have} sign-ins, not ${opts.n}: give an empty or matching folder`);
  }
  // The simulator makes about 3.3 interactive sign-ins per user a day: start far enough back that
  // the last one is about now.
  const days = Math.max(2, Math.ceil(opts.n / (opts.users * 3.3)));
  const from = Math.floor((Date.now() - days * 86_400_000) / 3_600_000) * 3_600_000;
  const { store, seconds } = await loadSignIns(dir, signIns(opts.n, 7, opts.users, from), opts.n, opts.batch);
  return { dir, store, seconds, cleanup };
}
