/**
 * `idtrail verify` — recomputes every hash chain against the signed checkpoints and purge records
 * (security/integrity.ts), with a progress bar. Exit 0 only when everything verifies; otherwise
 * each problem is named with its log, tenant and sequence number, and the exit code is 2.
 * Run it with the server stopped (DuckDB lets one process hold the file), or on a copy.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { readDigests } from '../router/digests.ts';
import { verifyIntegrity } from '../security/integrity.ts';
import { keyFile, keyIdOf, loadOrCreateSigningKey } from '../security/signing-key.ts';
import { openStore } from '../store/open-store.ts';

interface Opts {
  data: string;
  from?: string;
  to?: string;
  publicKey?: string[];
  checkpoints?: string;
  json?: boolean;
}

const isoOrThrow = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new Error(`${name}: not a time: ${v}`);
  return new Date(t).toISOString();
};

export function verifyCommand(): Command {
  return new Command('verify')
    .description('prove that no stored record was changed, removed, inserted or reordered')
    .addOption(new Option('--data <dir>', 'data folder').env('IDTRAIL_DATA').default('./.idtrail'))
    .option('--from <time>', 'verify from the checkpoint before this time')
    .option('--to <time>', 'verify up to the checkpoint after this time')
    .option('--public-key <file...>', "public keys (PEM) to trust instead of the data folder's own")
    .option('--checkpoints <archive>', 'also check against the checkpoint digests kept beside this archive')
    .option('--json', 'print the report as JSON')
    .action(async (opts: Opts) => {
      const from = isoOrThrow('--from', opts.from);
      const to = isoOrThrow('--to', opts.to);
      const config = loadConfig({ dataDir: opts.data });
      const keys = new Map<string, KeyObject>();
      if (opts.publicKey?.length) {
        for (const f of opts.publicKey) {
          const k = createPublicKey(readFileSync(f));
          keys.set(keyIdOf(k), k);
        }
      } else {
        if (!existsSync(keyFile(config.dataDir))) throw new Error(`no signing key in ${config.dataDir}`);
        const own = loadOrCreateSigningKey(config.dataDir);
        keys.set(own.keyId, own.publicKey);
      }
      const outside = opts.checkpoints ? await readDigests(opts.checkpoints) : undefined;
      if (opts.checkpoints && outside!.length === 0)
        throw new Error(`no checkpoint digests under ${opts.checkpoints}`);
      const store = await openStore(config.store, config.dataDir);
      const bar = new SingleBar({
        format: 'verify {bar} {percentage}% | {value}/{total} records',
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 2000,
        stream: process.stderr,
      });
      let report: Awaited<ReturnType<typeof verifyIntegrity>>;
      try {
        bar.start(1, 0);
        report = await verifyIntegrity(store, {
          keys,
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(outside ? { outsideCheckpoints: outside } : {}),
          onProgress: (done, total) => {
            bar.setTotal(Math.max(1, total));
            bar.update(done);
          },
        });
        bar.stop();
      } finally {
        bar.stop();
        await store.close();
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        for (const c of report.chains) {
          const tail =
            c.unsealed > 0 ? `, ${c.unsealed} after the last checkpoint (linked, not yet signed)` : '';
          process.stdout.write(
            `${c.ok ? 'ok  ' : 'FAIL'} ${c.category} tenant ${c.tenant}: ${c.records} records, ${c.checkpoints} checkpoints, ${c.purges} purges${tail}\n`,
          );
        }
        for (const p of report.problems) {
          process.stdout.write(
            `  ✗ ${p.category} tenant ${p.tenant}${p.seq !== undefined ? ` seq ${p.seq}` : ''}: ${p.kind}: ${p.message}\n`,
          );
        }
        process.stdout.write(
          report.ok ? 'verified: every chain holds\n' : `${report.problems.length} problems\n`,
        );
      }
      if (!report.ok) process.exitCode = 2;
    });
}
