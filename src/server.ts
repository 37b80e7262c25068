/**
 * The composition root: opens the store, wires the pipeline, metrics and routes, and shuts it all
 * down in order (stop accepting → finish in-flight commits → close the store).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './api/app.ts';
import { Metrics } from './api/metrics.ts';
import { Throttle } from './api/throttle.ts';
import type { Config } from './config.ts';
import { Committer } from './ingest/committer.ts';
import { PreparePool } from './ingest/prepare-pool.ts';
import { IngestService } from './ingest/service.ts';
import { AuditCatalog } from './registry/catalog/catalog.ts';
import { createKey, DEFAULT_TENANT, ensureBootstrapKey, KeyResolver } from './security/api-keys.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';

export interface Running {
  app: FastifyInstance;
  store: Store;
  committer: Committer;
  ingest: IngestService;
  url: string;
  /** Set on a first start without IDTRAIL_BOOTSTRAP_KEY: the admin key made for it (shown once). */
  firstKey?: string;
  close(): Promise<void>;
}

/** Wires the in-process pipeline on an open store (shared by the server and the CLI). */
export function wirePipeline(
  store: Store,
  config: Pick<Config, 'catalogMode' | 'ingestWorkers'>,
  metrics?: Metrics,
) {
  const catalog = AuditCatalog.load();
  const committer = new Committer(store, {
    onCommit: (c) => {
      if (!metrics) return;
      metrics.commitSeconds.observe(c.seconds);
      metrics.commitBatches.observe(c.batches);
      for (const [category, n] of c.byCategory) if (n > 0) metrics.ingested.inc({ category }, n);
    },
  });
  const pool = config.ingestWorkers > 0 ? new PreparePool(config.ingestWorkers) : undefined;
  const ingest = new IngestService(committer, { catalog, catalogMode: config.catalogMode }, undefined, pool);
  return {
    catalog,
    committer,
    ingest,
    /** Finishes queued commits and stops the workers (the store stays open). */
    close: async () => {
      await committer.close();
      await pool?.close();
    },
  };
}

export async function startServer(config: Config): Promise<Running> {
  const store = await openStore(config.store, config.dataDir);
  let firstKey: string | undefined;
  if (config.bootstrapKey) await ensureBootstrapKey(store, config.bootstrapKey);
  else if ((await store.listKeys()).length === 0) {
    // Nobody could use a keyless server: make the first admin key and let the caller show it once.
    firstKey = (
      await createKey(store, {
        tenant: DEFAULT_TENANT,
        roles: ['Global Administrator', 'ingest'],
        name: 'first-start',
      })
    ).secret;
  }
  const metrics = new Metrics();
  const { catalog, committer, ingest, close: closePipeline } = wirePipeline(store, config, metrics);
  const keys = new KeyResolver(store);
  const app = await buildApp({
    store,
    ingest,
    catalog,
    keys,
    metrics,
    bodyLimit: config.bodyLimit,
    logLevel: config.logLevel,
    trustProxy: config.trustProxy,
    throttle: new Throttle(config.graphRate),
    exportChunk: config.exportChunk,
  });
  const url = await app.listen({ host: config.host, port: config.port });
  let closing: Promise<void> | null = null;
  return {
    app,
    store,
    committer,
    ingest,
    url,
    ...(firstKey ? { firstKey } : {}),
    close: () =>
      (closing ??= (async () => {
        await app.close(); // stops accepting; waits for in-flight requests, whose commits it awaits
        await closePipeline();
        await store.close();
      })()),
  };
}
