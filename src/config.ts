/** Runtime configuration: command-line options over environment variables over defaults. */
import path from 'node:path';
import { defaultWorkerCount } from './ingest/prepare-pool.ts';
import type { CatalogMode } from './ingest/validate.ts';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** Store URL: `duckdb:<file>` (default `duckdb:<dataDir>/idtrail.duckdb`). */
  store: string;
  bootstrapKey: string | undefined;
  catalogMode: CatalogMode;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  logLevel: string;
  /** Proxies whose X-Forwarded-* headers are believed: 'loopback' (default), 'false', or addresses. */
  trustProxy: boolean | string;
  /** Graph API requests allowed per 10 seconds per key (0: unlimited). */
  graphRate: number;
  /** Worker threads that prepare large ingest bodies (0: prepare on the main thread). */
  ingestWorkers: number;
  /** Rows per keyset query of a download (/api/v1/export): bounds its memory. */
  exportChunk: number;
}

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(overrides.dataDir ?? env.IDTRAIL_DATA ?? './.idtrail');
  const catalogMode = (overrides.catalogMode ?? env.IDTRAIL_CATALOG_MODE ?? 'strict') as CatalogMode;
  if (catalogMode !== 'strict' && catalogMode !== 'lenient') {
    throw new Error(`IDTRAIL_CATALOG_MODE must be 'strict' or 'lenient', not '${catalogMode}'`);
  }
  return {
    host: overrides.host ?? env.IDTRAIL_HOST ?? '127.0.0.1',
    port: overrides.port ?? Number(env.IDTRAIL_PORT ?? 8080),
    dataDir,
    store: overrides.store ?? env.IDTRAIL_STORE ?? `duckdb:${path.join(dataDir, 'idtrail.duckdb')}`,
    bootstrapKey: overrides.bootstrapKey ?? env.IDTRAIL_BOOTSTRAP_KEY ?? undefined,
    catalogMode,
    bodyLimit: overrides.bodyLimit ?? Number(env.IDTRAIL_BODY_LIMIT ?? 256 * 1024 * 1024),
    logLevel: overrides.logLevel ?? env.IDTRAIL_LOG_LEVEL ?? 'info',
    trustProxy: parseTrust(overrides.trustProxy ?? env.IDTRAIL_TRUST_PROXY ?? 'loopback'),
    graphRate: overrides.graphRate ?? Number(env.IDTRAIL_GRAPH_RATE ?? 1000),
    ingestWorkers: overrides.ingestWorkers ?? Number(env.IDTRAIL_INGEST_WORKERS ?? defaultWorkerCount()),
    exportChunk: overrides.exportChunk ?? Number(env.IDTRAIL_EXPORT_CHUNK ?? 5000),
  };
}

function parseTrust(v: boolean | string): boolean | string {
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  return v;
}
