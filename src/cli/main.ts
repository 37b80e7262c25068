/** `idtrail` — the command line (serve, ingest, keys, simulate, verify, query, compact, watchlist). Every command takes --data DIR (env IDTRAIL_DATA, default ./.idtrail). */
import { Command } from 'commander';
import { compactCommand } from './compact.ts';
import { ingestCommand } from './ingest.ts';
import { keysCommand } from './keys.ts';
import { queryCommand } from './query.ts';
import { serveCommand } from './serve.ts';
import { simulateCommand } from './simulate.ts';
import { verifyCommand } from './verify.ts';
import { watchlistCommand } from './watchlist.ts';

const program = new Command('idtrail')
  .description('Self-hosted identity activity logs, wire-compatible with Microsoft Entra ID')
  .showHelpAfterError();

program.addCommand(serveCommand());
program.addCommand(ingestCommand());
program.addCommand(keysCommand());
program.addCommand(simulateCommand());
program.addCommand(verifyCommand());
program.addCommand(queryCommand());
program.addCommand(compactCommand());
program.addCommand(watchlistCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`idtrail: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
