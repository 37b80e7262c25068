/**
 * `idtrail ingest --category C FILE…` — the same pipeline as POST /api/v1/ingest, in process
 * (or against a running server with --url/--key), with a progress bar. Files may be JSON arrays,
 * NDJSON, or storage-export PT1H.json files; they are sent in batches of --batch records.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { IngestRefused } from '../ingest/service.ts';
import { findLogType } from '../registry/log-types.ts';
import { DEFAULT_TENANT } from '../security/api-keys.ts';
import { wirePipeline } from '../server.ts';
import { openStore } from '../store/open-store.ts';

interface Opts {
  category: string;
  data: string;
  tenant: string;
  batch: string;
  url?: string;
  key?: string;
  store?: string;
}

/** Reads a file as batches of raw JSON lines (NDJSON) or, for a JSON document, as one text. */
async function* batchesOf(file: string, size: number): AsyncGenerator<{ text: string; bytes: number }> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let lines: string[] = [];
  let bytes = 0;
  let first = true;
  let whole: string[] | null = null;
  for await (const line of rl) {
    if (first && line.trim() !== '') {
      first = false;
      const t = line.trim();
      // A JSON array or a pretty-printed document: read it whole.
      if (t.startsWith('[') || (t.startsWith('{') && !t.endsWith('}'))) whole = [];
    }
    if (whole) {
      whole.push(line);
      continue;
    }
    if (line.trim() === '') continue;
    lines.push(line);
    bytes += line.length + 1;
    if (lines.length >= size) {
      yield { text: lines.join('\n'), bytes };
      lines = [];
      bytes = 0;
    }
  }
  if (whole) yield { text: whole.join('\n'), bytes: statSync(file).size };
  else if (lines.length > 0) yield { text: lines.join('\n'), bytes };
}

export function ingestCommand(): Command {
  return new Command('ingest')
    .description('ingest records from files (JSON array, NDJSON, or Azure Monitor export)')
    .requiredOption('--category <name>', 'diagnostic category, e.g. SignInLogs')
    .argument('<files...>')
    .addOption(new Option('--data <dir>', 'data folder').env('IDTRAIL_DATA').default('./.idtrail'))
    .addOption(new Option('--store <url>', 'store URL').env('IDTRAIL_STORE'))
    .option('--tenant <id>', 'tenant to store into (in-process mode)', DEFAULT_TENANT)
    .option('--batch <n>', 'records per batch', '5000')
    .addOption(
      new Option('--url <url>', 'send to a running server instead of opening the store').env('IDTRAIL_URL'),
    )
    .addOption(new Option('--key <key>', 'API key for --url').env('IDTRAIL_KEY'))
    .action(async (files: string[], opts: Opts) => {
      const type = findLogType(opts.category);
      if (!type) throw new Error(`unknown category '${opts.category}'`);
      const size = Math.max(1, Number(opts.batch));
      const total = files.reduce((n, f) => n + statSync(f).size, 0);
      const bar = new SingleBar({
        format:
          'ingest {bar} {percentage}% | {value}/{total} bytes | {accepted} stored, {duplicates} duplicates',
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 2000,
      });
      bar.start(total, 0, { accepted: 0, duplicates: 0 });
      let accepted = 0;
      let duplicates = 0;
      let send: (text: string) => Promise<{ accepted: number; duplicates: number }>;
      let done = async () => {};
      if (opts.url) {
        if (!opts.key) throw new Error('--url needs --key (or IDTRAIL_KEY)');
        const endpoint = `${opts.url.replace(/\/$/, '')}/api/v1/ingest/${type.category}`;
        send = async (text) => {
          const res = await fetch(endpoint, {
            method: 'POST',
            headers: { authorization: `Bearer ${opts.key}`, 'content-type': 'application/x-ndjson' },
            body: text,
          });
          const body = (await res.json()) as {
            accepted: number;
            duplicates: number;
            error?: { message: string; details?: unknown };
          };
          if (!res.ok)
            throw new Error(
              `${res.status} ${body.error?.message}\n${JSON.stringify(body.error?.details ?? [], null, 2)}`,
            );
          return body;
        };
      } else {
        const config = loadConfig({ dataDir: opts.data, ...(opts.store ? { store: opts.store } : {}) });
        const store = await openStore(config.store, config.dataDir);
        const { ingest, close } = wirePipeline(store, config);
        send = (text) => ingest.ingestText(opts.tenant, type, text, 'application/x-ndjson');
        done = async () => {
          await close();
          await store.close();
        };
      }
      try {
        let sent = 0;
        for (const file of files) {
          for await (const { text, bytes } of batchesOf(file, size)) {
            const r = await send(text);
            accepted += r.accepted;
            duplicates += r.duplicates;
            sent += bytes;
            bar.update(Math.min(sent, total), { accepted, duplicates });
          }
        }
        bar.update(total, { accepted, duplicates });
        bar.stop();
        process.stdout.write(
          `${accepted} records stored, ${duplicates} duplicates skipped (${type.category})\n`,
        );
      } catch (err) {
        bar.stop();
        if (err instanceof IngestRefused) {
          throw new Error(
            `${err.message}\n${err.errors.map((e) => `  [${e.index}] ${e.pointer || '/'}: ${e.message}`).join('\n')}`,
          );
        }
        throw err;
      } finally {
        await done();
      }
    });
}
