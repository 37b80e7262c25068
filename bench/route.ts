/**
 * npm run bench:route — sustained delivery rate of diagnostic settings to the filesystem archive
 * and to a webhook while ingest runs.
 *
 *   npm run bench:route -- [--records 100000] [--clients 4] [--batch 1000] [--seed 1] [--router-batch 1000]
 *                          [--no-route]   (ingest alone, the baseline)
 *                          [--s3]         (also an S3 archive: s3rver on loopback, its own process)
 *
 * 1. Starts `bin/idtrail serve` as a child process on a fresh data folder, a webhook receiver in
 *    this process (it parses every message and counts its records), and a diagnostic setting
 *    routing SignInLogs to a filesystem archive and to the webhook (from now).
 * 2. C clients post N simulator sign-ins as NDJSON batches, as fast as they are acknowledged.
 * 3. Polls /api/v1/destinations every 250 ms for each destination's delivered count and lag;
 *    reports the delivery rate during the ingest window (records delivered while ingest ran ÷ its
 *    duration), the lag when ingest ended, and the time to drain it.
 * 4. Checks the archive holds N whole lines and the webhook received N records (and with --s3,
 *    that the bucket's objects hold N whole lines).
 *
 * A measurement, not a test: figures go to docs/benchmarks.md.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../test/helpers/free-port.ts';
import { S3RVER_KEY, S3rverProcess } from '../test/helpers/s3rver.ts';
import { type Batch, runLoad } from './lib/load.ts';
import { fixed, int, progressBar, table } from './lib/report.ts';
import { killChildServers, startChildServer } from './lib/server.ts';
import { signIns } from './lib/signins.ts';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    clients: { type: 'string', default: '4' },
    batch: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    'router-batch': { type: 'string', default: '1000' },
    /** Ingest only, no diagnostic setting: the baseline the routed run is compared with. */
    'no-route': { type: 'boolean', default: false },
    /** Also route to an S3 archive (s3rver, a real S3 protocol server, on loopback). */
    s3: { type: 'boolean', default: false },
  },
  strict: true,
});
const N = Number(args.records);
const CLIENTS = Number(args.clients);
const BATCH = Number(args.batch);
const KEY = 'bench-route-key';

process.on('SIGINT', () => {
  killChildServers();
  process.exit(130);
});

function countLines(root: string): number {
  let n = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const text = readFileSync(p, 'utf8');
        if (text !== '' && !text.endsWith('\n')) throw new Error(`${p} ends in a torn line`);
        n += text.split('\n').length - 1;
      }
    }
  };
  // Only the log containers: checkpoint digests (insights-integrity-checkpoints) sit beside them.
  for (const e of readdirSync(root)) if (e.startsWith('insights-logs-')) walk(path.join(root, e));
  return n;
}

/** Whole lines in every object of the bucket (the S3 archive), read back with the SDK. */
async function countS3Lines(s3: S3rverProcess, bucket: string): Promise<number> {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // s3rver checks a bucket request's signature against `/bucket`, the SDK signs `/bucket/`.
  client.middlewareStack.add(
    (next) => async (a) => {
      const req = a.request as { path?: string };
      if (typeof req.path === 'string' && /^\/[^/]+\/$/.test(req.path)) req.path = req.path.slice(0, -1);
      return next(a);
    },
    { step: 'build' },
  );
  let n = 0;
  const list = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'insights-logs-' }));
  for (const o of list.Contents ?? []) {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
    const text = await res.Body!.transformToString('utf8');
    if (text !== '' && !text.endsWith('\n')) throw new Error(`${o.Key} ends in a torn line`);
    n += text.split('\n').length - 1;
  }
  client.destroy();
  return n;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'idtrail-bench-route-'));
  const dataDir = path.join(tmp, 'data');
  const archiveDir = path.join(tmp, 'archive');

  process.stderr.write(`generating ${int(N)} sign-ins…\n`);
  const batches: Batch[] = [];
  let lines: string[] = [];
  for (const r of signIns(N, Number(args.seed))) {
    lines.push(JSON.stringify(r));
    if (lines.length === BATCH) {
      batches.push({ body: Buffer.from(`${lines.join('\n')}\n`), records: lines.length });
      lines = [];
    }
  }
  if (lines.length > 0) batches.push({ body: Buffer.from(`${lines.join('\n')}\n`), records: lines.length });

  let webhookRecords = 0;
  let webhookMessages = 0;
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { records: unknown[] };
      webhookRecords += body.records.length;
      webhookMessages++;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`;

  const withS3 = args.s3;
  const s3 = withS3 ? new S3rverProcess(path.join(tmp, 's3'), await freePort(), ['bench-archive']) : null;
  await s3?.start();

  process.env.IDTRAIL_ROUTER_BATCH = args['router-batch'];
  const server = await startChildServer(dataDir, KEY);
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(server.url + p, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status >= 300) throw new Error(`${method} ${p}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  await call('PUT', '/api/v1/destinations/archive', { type: 'filesystem', path: archiveDir });
  await call('PUT', '/api/v1/destinations/hook', {
    type: 'webhook',
    url: hook,
    secret: 'bench-route-hmac-secret-0123',
  });
  const route = !args['no-route'];
  if (route)
    await call('PUT', '/api/v1/diagnosticSettings/bench', {
      properties: {
        storageAccountId: 'archive',
        eventHubAuthorizationRuleId: 'hook',
        logs: [{ category: 'SignInLogs', enabled: true }],
      },
    });
  if (route && s3) {
    // A setting has one storage slot: the S3 archive gets a second setting.
    await call('PUT', '/api/v1/destinations/bucket', {
      type: 's3',
      bucket: 'bench-archive',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      accessKeyId: S3RVER_KEY,
      secretAccessKey: S3RVER_KEY,
    });
    await call('PUT', '/api/v1/diagnosticSettings/bench-s3', {
      properties: { storageAccountId: 'bucket', logs: [{ category: 'SignInLogs', enabled: true }] },
    });
  }

  const delivered = { archive: 0, hook: 0, archiveLag: 0, hookLag: 0, s3: 0, s3Lag: 0 };
  const poll = async () => {
    const list = (await call('GET', '/api/v1/destinations')).value as Array<{
      name: string;
      health: { delivered: number; lag: number };
    }>;
    for (const d of list) {
      if (d.name === 'archive') {
        delivered.archive = d.health.delivered;
        delivered.archiveLag = d.health.lag;
      } else if (d.name === 'hook') {
        delivered.hook = d.health.delivered;
        delivered.hookLag = d.health.lag;
      } else if (d.name === 'bucket') {
        delivered.s3 = d.health.delivered;
        delivered.s3Lag = d.health.lag;
      }
    }
  };
  const bar = progressBar('route', 'records');
  bar.start(N * (withS3 ? 4 : 3), 0);
  let acked = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      await poll().catch(() => {});
      bar.update(acked + delivered.archive + delivered.hook + delivered.s3);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const t0 = performance.now();
  const load = await runLoad({
    url: server.url,
    category: 'SignInLogs',
    key: KEY,
    batches,
    clients: CLIENTS,
    onAck: (n) => {
      acked += n;
    },
  });
  const ingestEnd = performance.now();
  await poll();
  const atIngestEnd = { ...delivered };
  const drained: Record<'archive' | 'hook' | 's3', number> = {
    archive: Number.NaN,
    hook: Number.NaN,
    s3: withS3 ? Number.NaN : 0,
  };
  while (route && (Number.isNaN(drained.archive) || Number.isNaN(drained.hook) || Number.isNaN(drained.s3))) {
    await poll();
    const now = performance.now();
    if (Number.isNaN(drained.archive) && delivered.archive >= N) drained.archive = now;
    if (Number.isNaN(drained.hook) && delivered.hook >= N) drained.hook = now;
    if (Number.isNaN(drained.s3) && delivered.s3 >= N) drained.s3 = now;
    await new Promise((r) => setTimeout(r, 250));
  }
  polling = false;
  await poller;
  bar.stop();
  await server.stop();
  receiver.close();

  const ingestS = (ingestEnd - t0) / 1000;
  const head = `\nbench:route — ${int(N)} sign-ins, ${CLIENTS} clients × ${BATCH}/batch, router batch ${args['router-batch']}${route ? '' : ', NO diagnostic setting (baseline)'}\ningest: ${fixed(ingestS, 1)} s, ${int(load.accepted / ingestS)} records/s\n`;
  if (!route) {
    await s3?.stop();
    process.stdout.write(head);
    rmSync(tmp, { recursive: true, force: true });
    return;
  }
  const archived = countLines(archiveDir);
  if (archived !== N) throw new Error(`the archive holds ${archived} lines, not ${N}`);
  if (webhookRecords !== N) throw new Error(`the webhook received ${webhookRecords} records, not ${N}`);
  const s3Lines = s3 ? await countS3Lines(s3, 'bench-archive') : 0;
  await s3?.stop();
  if (s3 && s3Lines !== N) throw new Error(`the S3 archive holds ${s3Lines} lines, not ${N}`);

  const row = (name: string, at: number, lag: number, done: number) => [
    name,
    int(at),
    int(at / ingestS),
    int(lag),
    fixed((done - t0) / 1000, 1),
    int(N / ((done - t0) / 1000)),
  ];
  process.stdout.write(
    `${head}\n` +
      table(
        [
          'destination',
          'delivered during ingest',
          'rec/s during ingest',
          'lag at ingest end',
          'all delivered at (s)',
          'overall rec/s',
        ],
        [
          row('filesystem archive', atIngestEnd.archive, atIngestEnd.archiveLag, drained.archive),
          row('webhook', atIngestEnd.hook, atIngestEnd.hookLag, drained.hook),
          ...(s3 ? [row('S3 archive (s3rver)', atIngestEnd.s3, atIngestEnd.s3Lag, drained.s3)] : []),
        ],
      ) +
      `\n\nwebhook messages: ${int(webhookMessages)} (${fixed(N / webhookMessages, 1)} records each); archive lines: ${int(archived)}${s3 ? `; S3 lines: ${int(s3Lines)}` : ''}\n`,
  );
  rmSync(tmp, { recursive: true, force: true });
}

main().catch((err) => {
  killChildServers();
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
