/** `idtrail serve` — run the server until SIGINT/SIGTERM, then shut down gracefully. */
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { portalAvailable } from '../api/routes/portal.ts';
import { loadConfig } from '../config.ts';
import { DEFAULT_TENANT } from '../security/api-keys.ts';
import { type Running, startServer } from '../server.ts';
import { type Demo, startDemo } from '../simulate/run-demo.ts';

async function runDemo(running: Running, users: number, days: number, signal: AbortSignal): Promise<Demo> {
  const bar = new SingleBar({
    format: 'demo tenant {bar} {percentage}% | {value}/{total} hours | {records} records',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
  let started = false;
  const t0 = performance.now();
  const demo = await startDemo({
    store: running.store,
    ingest: running.ingest,
    tenant: DEFAULT_TENANT,
    users,
    days,
    seed: 'demo',
    signal,
    onProgress: (done, total, records) => {
      if (!started) {
        process.stdout.write(`demo tenant: generating ${days} days for ${users} users…\n`);
        bar.start(total, 0, { records: 0 });
        started = true;
      }
      bar.update(done, { records });
    },
  });
  if (started) bar.stop();
  if (signal.aborted) {
    process.stdout.write('demo tenant: stopped; the next start resumes the history\n');
  } else if (demo.backfilled > 0) {
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    process.stdout.write(`demo tenant: ${demo.backfilled} records in ${s} s; live traffic is flowing\n`);
  } else {
    process.stdout.write('demo tenant: history present; live traffic is flowing\n');
  }
  return demo;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('start the idtrail server')
    .addOption(new Option('--host <host>', 'address to listen on').env('IDTRAIL_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on').env('IDTRAIL_PORT').default('8080'))
    .addOption(new Option('--data <dir>', 'data folder').env('IDTRAIL_DATA').default('./.idtrail'))
    .addOption(new Option('--store <url>', 'store URL (duckdb:<file>)').env('IDTRAIL_STORE'))
    .option('--demo', 'fill the default tenant with simulated history on first start, then live traffic')
    .option('--demo-users <n>', 'users in the demo tenant', '1000')
    .option('--demo-days <n>', 'days of demo history', '30')
    .action(
      async (opts: {
        host: string;
        port: string;
        data: string;
        store?: string;
        demo?: boolean;
        demoUsers: string;
        demoDays: string;
      }) => {
        const config = loadConfig({
          host: opts.host,
          port: Number(opts.port),
          dataDir: opts.data,
          ...(opts.store ? { store: opts.store } : {}),
        });
        const running = await startServer(config);
        process.stdout.write(`idtrail listening on ${running.url} (store ${config.store})\n`);
        process.stdout.write(
          portalAvailable()
            ? `portal: ${running.url}/ (sign in with an API key)\n`
            : 'portal: not built (run `npm run build:web`)\n',
        );
        if (running.firstKey) {
          process.stdout.write(
            `first start: created an admin key (Global Administrator + ingest, tenant ${DEFAULT_TENANT}).\n` +
              `It is shown only now:\n\n  ${running.firstKey}\n\n`,
          );
        } else if (config.bootstrapKey) {
          process.stdout.write('bootstrap key: the value of IDTRAIL_BOOTSTRAP_KEY\n');
        }
        // The demo backfill runs after the server is listening; a shutdown stops it between hours,
        // lets its last batches commit, then closes the server.
        const stopDemo = new AbortController();
        let demoStarted: Promise<Demo> | undefined;
        const stop = async (signal: string) => {
          process.stdout.write(`${signal}: finishing in-flight commits…\n`);
          stopDemo.abort();
          const demo = await demoStarted?.catch(() => undefined);
          await demo?.stop();
          await running.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop('SIGINT'));
        process.once('SIGTERM', () => void stop('SIGTERM'));
        if (opts.demo) {
          demoStarted = runDemo(running, Number(opts.demoUsers), Number(opts.demoDays), stopDemo.signal);
          await demoStarted.catch((err: unknown) => {
            if (!stopDemo.signal.aborted) throw err;
          });
        }
      },
    );
}
