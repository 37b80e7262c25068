/** `idtrail serve` — run the server until SIGINT/SIGTERM, then shut down gracefully. */
import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { DEFAULT_TENANT } from '../security/api-keys.ts';
import { startServer } from '../server.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('start the idtrail server')
    .addOption(new Option('--host <host>', 'address to listen on').env('IDTRAIL_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on').env('IDTRAIL_PORT').default('8080'))
    .addOption(new Option('--data <dir>', 'data folder').env('IDTRAIL_DATA').default('./.idtrail'))
    .addOption(new Option('--store <url>', 'store URL (duckdb:<file>)').env('IDTRAIL_STORE'))
    .action(async (opts: { host: string; port: string; data: string; store?: string }) => {
      const config = loadConfig({
        host: opts.host,
        port: Number(opts.port),
        dataDir: opts.data,
        ...(opts.store ? { store: opts.store } : {}),
      });
      const running = await startServer(config);
      process.stdout.write(`idtrail listening on ${running.url} (store ${config.store})\n`);
      if (running.firstKey) {
        process.stdout.write(
          `first start: created an admin key (Global Administrator + ingest, tenant ${DEFAULT_TENANT}).\n` +
            `It is shown only now:\n\n  ${running.firstKey}\n\n`,
        );
      } else if (config.bootstrapKey) {
        process.stdout.write('bootstrap key: the value of IDTRAIL_BOOTSTRAP_KEY\n');
      }
      const stop = async (signal: string) => {
        process.stdout.write(`${signal}: finishing in-flight commits…\n`);
        await running.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
