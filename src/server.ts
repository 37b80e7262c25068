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
import { warmKql } from './query/kql/parse.ts';
import { AuditCatalog } from './registry/catalog/catalog.ts';
import { writeDigests } from './router/digests.ts';
import { Router } from './router/router.ts';
import { SettingsService } from './router/service.ts';
import { createKey, DEFAULT_TENANT, ensureBootstrapKey, KeyResolver } from './security/api-keys.ts';
import { IntegrityJobs } from './security/integrity-jobs.ts';
import { OidcVerifier } from './security/oidc.ts';
import { loadOrCreateSigningKey, publicKeyInfo } from './security/signing-key.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';

export interface Running {
  app: FastifyInstance;
  store: Store;
  committer: Committer;
  ingest: IngestService;
  integrity: IntegrityJobs;
  router: Router;
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
  /** Told after every commit which chain heads moved (the router wakes its deliveries). */
  onCommitted?: (heads: Array<{ category: string; tenant: string; seq: number }>) => void,
) {
  const catalog = AuditCatalog.load();
  const committer = new Committer(store, {
    onCommit: (c) => {
      onCommitted?.(c.heads);
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
  const labels = (k: { tenant: string; setting: string; category: string; destination: string }) => ({
    tenant: k.tenant,
    setting: k.setting,
    category: k.category,
    destination: k.destination,
  });
  const router = new Router(
    store,
    { batchSize: config.routerBatch, backoffMaxMs: config.routerBackoffMaxMs, tenantGeo: config.tenantGeo },
    {
      delivered: (k, n) => metrics.delivered.inc(labels(k), n),
      failed: (k) => metrics.deliveryFailures.inc(labels(k)),
    },
  );
  metrics.routeLag = () => router.status();
  const {
    catalog,
    committer,
    ingest,
    close: closePipeline,
  } = wirePipeline(store, config, metrics, (heads) => router.onCommit(heads));
  const keys = new KeyResolver(store);
  const signingKey = loadOrCreateSigningKey(config.dataDir);
  let app: FastifyInstance | undefined;
  const integrity = new IntegrityJobs(store, signingKey, {
    checkpointMs: config.checkpointInterval * 1000,
    retentionMs: config.retentionInterval * 1000,
    retentionDays: config.retentionDays,
    onCheckpoint: async (run) => {
      metrics.checkpointsSigned.inc(run.signed);
      metrics.lastCheckpoint.set(Date.parse(run.at) / 1000);
      // Copies beside each filesystem archive, like CloudTrail's digest files.
      if (run.statements.length > 0) {
        await writeDigests(store, run.statements, publicKeyInfo(signingKey).publicKey).catch((err) =>
          app?.log.error({ err }, 'writing checkpoint digests failed'),
        );
      }
    },
    onRetention: (run) => {
      metrics.retentionRuns.inc({ outcome: run.error ? 'failed' : 'ok' });
      for (const p of run.purged) metrics.retentionPurged.inc({ category: p.category }, p.records);
    },
  });
  app = await buildApp({
    store,
    ingest,
    catalog,
    keys,
    metrics,
    settings: new SettingsService(store, router),
    bodyLimit: config.bodyLimit,
    logLevel: config.logLevel,
    trustProxy: config.trustProxy,
    throttle: new Throttle(config.graphRate),
    integrity,
    ...(config.oidc.length > 0 ? { oidc: new OidcVerifier(config.oidc) } : {}),
    portalOidc: config.portalOidc,
    exportChunk: config.exportChunk,
    exportWorkers: config.exportWorkers,
  });
  // Delivery starts before the server listens, so a restart resumes from the durable cursors at once.
  await router.start();
  const url = await app.listen({ host: config.host, port: config.port });
  integrity.start();
  // Load and JIT-warm the KQL parser (a few seconds of CPU) once, off the start path.
  setImmediate(warmKql).unref();
  let closing: Promise<void> | null = null;
  return {
    app,
    store,
    committer,
    ingest,
    integrity,
    router,
    url,
    ...(firstKey ? { firstKey } : {}),
    close: () =>
      (closing ??= (async () => {
        await app.close(); // stops accepting; waits for in-flight requests, whose commits it awaits
        await closePipeline();
        await integrity.stop(); // a last checkpoint over everything committed
        await router.close(); // finishes in-flight deliveries and their cursor moves
        await store.close();
      })()),
  };
}
