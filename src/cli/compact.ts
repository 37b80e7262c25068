/**
 * `idtrail compact` — gives records stored before compact records existed (migration 5) their
 * compact form, which Graph pages read (store/record-codec.ts); until then those rows are read from
 * the block-compressed `record` column, which is slower for pages. Safe to stop and re-run: each
 * range of rows is one transaction, and filled rows are skipped. Run it with the server stopped.
 */
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { LOG_TYPES } from '../registry/log-types.ts';
import { openStore } from '../store/open-store.ts';

export function compactCommand(): Command {
  return new Command('compact')
    .description('store the compact copy Graph pages read for records stored by an older idtrail')
    .addOption(new Option('--data <dir>', 'data folder').env('IDTRAIL_DATA').default('./.idtrail'))
    .action(async (opts: { data: string }) => {
      const config = loadConfig({ dataDir: opts.data });
      const store = await openStore(config.store, config.dataDir);
      try {
        let filled = 0;
        for (const type of LOG_TYPES) {
          const bar = new SingleBar({
            format: `${type.category.padEnd(36)} {bar} {percentage}% | {value}/{total} records`,
            hideCursor: true,
            noTTYOutput: true,
            notTTYSchedule: 2000,
            stream: process.stderr,
          });
          let started = false;
          const n = await store.compactRecords(type, (done, total) => {
            if (!started) bar.start(total, 0);
            started = true;
            bar.update(done);
          });
          if (started) bar.stop();
          filled += n;
        }
        process.stdout.write(`compact: ${filled} records given a compact copy\n`);
      } finally {
        await store.close();
      }
    });
}
