/**
 * `idtrail simulate` — a deterministic tenant's activity: into the store in process (--data), to a
 * running server (--url/--key), or to NDJSON files (--out). --follow keeps producing live traffic.
 */

import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import type { CatalogMode } from '../ingest/validate.ts';
import { DEFAULT_TENANT } from '../security/api-keys.ts';
import { wirePipeline } from '../server.ts';
import { backfill } from '../simulate/backfill.ts';
import { follow, run, type Sink } from '../simulate/engine.ts';
import { GENERATORS } from '../simulate/generators/index.ts';
import { httpSink, ingestSink, ndjsonSink } from '../simulate/sinks.ts';
import { DAY, HOUR } from '../simulate/types.ts';
import { openStore } from '../store/open-store.ts';

interface Opts {
  days: string;
  users: string;
  seed: string;
  until: string;
  follow?: boolean;
  data: string;
  url?: string;
  key?: string;
  out?: string;
  tenant: string;
  batch: string;
}

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('generate a believable tenant: sign-ins of every kind, audits, provisioning, risk, attacks')
    .option('--days <n>', 'days of history', '30')
    .option('--users <n>', 'users in the tenant', '2000')
    .option('--seed <n>', 'seed: the same seed gives the same records', '1')
    .option('--until <time>', "end of the window: 'now' or an ISO time", 'now')
    .option('--follow', 'then keep producing live traffic in real time')
    .addOption(
      new Option('--data <dir>', 'data folder (in-process ingest)').env('IDTRAIL_DATA').default('./.idtrail'),
    )
    .addOption(new Option('--url <url>', 'send to a running server').env('IDTRAIL_URL'))
    .addOption(new Option('--key <key>', 'API key (ingest role) for --url').env('IDTRAIL_KEY'))
    .option('--out <dir>', 'write NDJSON files per category instead of ingesting')
    .option('--tenant <id>', 'tenant to store into (in-process)', DEFAULT_TENANT)
    .option('--batch <n>', 'records per ingest batch', '5000')
    .action(async (opts: Opts) => {
      const until = opts.until === 'now' ? Date.now() : Date.parse(opts.until);
      if (Number.isNaN(until)) throw new Error(`--until: not a time: ${opts.until}`);
      const to = Math.floor(until / HOUR) * HOUR;
      const from = to - Number(opts.days) * DAY;
      let sink: Sink | undefined;
      let inProcess: ReturnType<typeof wirePipeline> | undefined;
      let catalogMode: CatalogMode = 'strict';
      let done = async () => {};
      if (opts.out) {
        sink = ndjsonSink(opts.out);
      } else if (opts.url) {
        if (!opts.key) throw new Error('--url needs --key (or IDTRAIL_KEY)');
        sink = httpSink(opts.url, opts.key);
      } else {
        const config = loadConfig({ dataDir: opts.data });
        const store = await openStore(config.store, config.dataDir);
        const pipeline = wirePipeline(store, config);
        inProcess = pipeline;
        catalogMode = config.catalogMode;
        done = async () => {
          await pipeline.close();
          await store.close();
        };
      }
      const bar = new SingleBar({
        format: 'simulate {bar} {percentage}% | {value}/{total} hours | {records} records',
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 2000,
      });
      try {
        bar.start((to - from) / HOUR, 0, { records: 0 });
        const onHour = (h: number, _total: number, records: number) => bar.update(h, { records });
        // In process, generation and preparation run on a worker thread beside the commits.
        const result = inProcess
          ? await backfill(inProcess.ingest, {
              seed: opts.seed,
              users: Number(opts.users),
              from,
              to,
              tenant: opts.tenant,
              catalogMode,
              onHour,
            })
          : await run(
              {
                seed: opts.seed,
                users: Number(opts.users),
                from,
                to,
                batchSize: Number(opts.batch),
                generators: GENERATORS,
                onHour,
              },
              sink!,
            );
        bar.stop();
        await sink?.close?.();
        process.stdout.write(`${result.records} records\n`);
        for (const [c, n] of Object.entries(result.byCategory).sort()) process.stdout.write(`  ${c}\t${n}\n`);
        if (opts.follow) {
          const abort = new AbortController();
          process.once('SIGINT', () => abort.abort());
          process.once('SIGTERM', () => abort.abort());
          process.stdout.write('following: live traffic until Ctrl-C\n');
          const live = sink ?? ingestSink(inProcess!.ingest, opts.tenant);
          const n = await follow(
            {
              seed: opts.seed,
              users: Number(opts.users),
              ...(opts.out || opts.url ? {} : { tenantId: opts.tenant }),
              generators: GENERATORS,
              since: to,
              signal: abort.signal,
            },
            live,
          );
          await live.close?.();
          process.stdout.write(`${n} live records\n`);
        }
      } finally {
        bar.stop();
        await done();
      }
    });
}
