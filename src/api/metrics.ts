/** Prometheus metrics (prom-client), served at /metrics. One registry per app instance. */
import client from 'prom-client';

export class Metrics {
  readonly registry = new client.Registry();
  readonly ingested = new client.Counter({
    name: 'idtrail_ingested_records_total',
    help: 'Records stored, by diagnostic category',
    labelNames: ['category'] as const,
    registers: [this.registry],
  });
  readonly duplicates = new client.Counter({
    name: 'idtrail_duplicate_records_total',
    help: 'Records received again and not stored twice, by category',
    labelNames: ['category'] as const,
    registers: [this.registry],
  });
  readonly batchRecords = new client.Histogram({
    name: 'idtrail_ingest_batch_records',
    help: 'Records per ingest request',
    buckets: [1, 10, 100, 500, 1000, 5000, 10000, 50000, 100000],
    registers: [this.registry],
  });
  readonly commitSeconds = new client.Histogram({
    name: 'idtrail_commit_duration_seconds',
    help: 'Time to seal and durably commit one group of batches',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly commitBatches = new client.Histogram({
    name: 'idtrail_commit_group_batches',
    help: 'Ingest requests grouped into one commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });
  readonly errors = new client.Counter({
    name: 'idtrail_ingest_errors_total',
    help: 'Refused or failed ingest requests, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly checkpointsSigned = new client.Counter({
    name: 'idtrail_checkpoints_signed_total',
    help: 'Signed chain checkpoints written',
    registers: [this.registry],
  });
  readonly lastCheckpoint = new client.Gauge({
    name: 'idtrail_last_checkpoint_timestamp_seconds',
    help: 'When the last checkpoint run finished (Unix time)',
    registers: [this.registry],
  });
  readonly retentionRuns = new client.Counter({
    name: 'idtrail_retention_runs_total',
    help: 'Retention runs, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly retentionPurged = new client.Counter({
    name: 'idtrail_retention_purged_records_total',
    help: 'Records dropped by retention, by category',
    labelNames: ['category'] as const,
    registers: [this.registry],
  });
  readonly delivered = new client.Counter({
    name: 'idtrail_delivered_records_total',
    help: 'Records delivered to a destination, by setting, category and destination',
    labelNames: ['tenant', 'setting', 'category', 'destination'] as const,
    registers: [this.registry],
  });
  readonly deliveryFailures = new client.Counter({
    name: 'idtrail_delivery_failures_total',
    help: 'Failed delivery attempts (each is retried), by setting, category and destination',
    labelNames: ['tenant', 'setting', 'category', 'destination'] as const,
    registers: [this.registry],
  });
  /** Set by the server: the routes' current lag, read at each scrape. */
  routeLag: () => Array<{
    tenant: string;
    setting: string;
    category: string;
    destination: string;
    lag: number;
  }> = () => [];
  readonly deliveryLag = new client.Gauge({
    name: 'idtrail_delivery_lag_records',
    help: 'Records stored but not yet delivered, by setting, category and destination',
    labelNames: ['tenant', 'setting', 'category', 'destination'] as const,
    registers: [this.registry],
    collect: () => {
      this.deliveryLag.reset();
      for (const r of this.routeLag()) {
        this.deliveryLag.set(
          { tenant: r.tenant, setting: r.setting, category: r.category, destination: r.destination },
          r.lag,
        );
      }
    },
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'idtrail_' });
  }
}
