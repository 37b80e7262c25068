/**
 * `idtrail watchlist put ALIAS FILE.csv --search-key COL [--display-name NAME] [--description TEXT]
 * [--skip-lines N]`, `watchlist list`, `watchlist delete ALIAS` — a tenant's watchlists (KQL's
 * `_GetWatchlist('alias')`) on the local store, with the API's rules (src/watchlists/build.ts).
 * The store is a DuckDB file: stop the server first, or use the API (/api/v1/watchlists).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_TENANT } from '../security/api-keys.ts';
import { buildWatchlist } from '../watchlists/build.ts';
import { dataOpt, withStore } from './local-store.ts';

const tenantOpt = () =>
  new Option('--tenant <id>', 'tenant the watchlist belongs to').default(DEFAULT_TENANT);

export function watchlistCommand(): Command {
  const wl = new Command('watchlist').description("manage watchlists (KQL's _GetWatchlist('alias'))");
  wl.command('put')
    .description('create or replace a watchlist from a CSV file (the first line is the header)')
    .argument('<alias>', "the name queries use: _GetWatchlist('alias')")
    .argument('<file>', 'CSV file (or .tsv, tab-separated)')
    .requiredOption('--search-key <column>', 'the header column that is the SearchKey')
    .option('--display-name <name>', 'display name (default: the alias)')
    .option('--description <text>', 'description')
    .option('--provider <name>', 'provider', 'Custom')
    .option('--skip-lines <n>', 'lines before the header to skip (numberOfLinesToSkip)', '0')
    .addOption(tenantOpt())
    .addOption(dataOpt())
    .action(
      async (
        alias: string,
        file: string,
        opts: {
          searchKey: string;
          displayName?: string;
          description?: string;
          provider: string;
          skipLines: string;
          tenant: string;
          data: string;
        },
      ) => {
        if (!/^\d+$/.test(opts.skipLines)) throw new Error('--skip-lines must be a whole number');
        const args = buildWatchlist({
          tenant: opts.tenant,
          alias,
          displayName: opts.displayName ?? alias,
          description: opts.description ?? null,
          provider: opts.provider,
          source: path.basename(file),
          itemsSearchKey: opts.searchKey,
          rawContent: readFileSync(file, 'utf8'),
          // A .tsv file is tab-separated (Sentinel's text/tsv); anything else is CSV.
          contentType: /\.tsv$/i.test(file) ? 'text/tsv' : 'text/csv',
          numberOfLinesToSkip: Number(opts.skipLines),
          by: 'cli',
        });
        const { created } = await withStore(opts, (s) => s.putWatchlist(...args));
        process.stderr.write(
          `${created ? 'created' : 'replaced'} watchlist '${alias}': ${args[1].length} items, columns ${args[0].columns.join(', ')}\n`,
        );
      },
    );
  wl.command('list')
    .description("the tenant's watchlists: alias, items, search key, display name, updated")
    .addOption(tenantOpt())
    .addOption(dataOpt())
    .action(async (opts: { tenant: string; data: string }) => {
      for (const w of await withStore(opts, (s) => s.listWatchlists(opts.tenant)))
        process.stdout.write(
          `${w.alias}\t${w.itemCount}\t${w.itemsSearchKey}\t${w.displayName}\t${w.updatedAt}\n`,
        );
    });
  wl.command('delete')
    .description('delete a watchlist and its items')
    .argument('<alias>')
    .addOption(tenantOpt())
    .addOption(dataOpt())
    .action(async (alias: string, opts: { tenant: string; data: string }) => {
      if (!(await withStore(opts, (s) => s.deleteWatchlist(opts.tenant, alias))))
        throw new Error(`no watchlist '${alias}' in tenant ${opts.tenant}`);
      process.stderr.write(`deleted watchlist '${alias}'\n`);
    });
  return wl;
}
