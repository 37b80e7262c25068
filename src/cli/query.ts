/**
 * `idtrail query 'KQL' [--format table|json|csv] [--tenant ID] [--timespan ISO] [--data DIR]` —
 * runs a KQL query on the local store (the operator reads every table of the tenant). The store
 * is a DuckDB file: stop the server first, or query the running server's API instead.
 */
import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { KqlError } from '../query/kql/errors.ts';
import { type KqlTable, runKql } from '../query/kql/run.ts';
import { LOG_TYPES } from '../registry/log-types.ts';
import { DEFAULT_TENANT } from '../security/api-keys.ts';
import { openStore } from '../store/open-store.ts';

interface Opts {
  format: 'table' | 'json' | 'csv';
  tenant: string;
  timespan?: string;
  data: string;
}

export function queryCommand(): Command {
  return new Command('query')
    .description('run a KQL query over the Log Analytics tables (SigninLogs, AuditLogs, …)')
    .argument('<kql>', 'the query')
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'),
    )
    .option('--tenant <id>', 'tenant to query', DEFAULT_TENANT)
    .option('--timespan <iso>', 'ISO 8601 duration or interval limiting TimeGenerated (e.g. P1D)')
    .addOption(new Option('--data <dir>', 'data folder').env('IDTRAIL_DATA').default('./.idtrail'))
    .action(async (kql: string, opts: Opts) => {
      const config = loadConfig({ dataDir: opts.data });
      const store = await openStore(config.store, config.dataDir);
      try {
        const result = await runKql((sql, params) => store.readSql(sql, params), {
          query: kql,
          tenant: opts.tenant,
          types: LOG_TYPES,
          ...(opts.timespan ? { timespan: opts.timespan } : {}),
        });
        const table = result.tables[0]!;
        if (opts.format === 'json') {
          const body = { tables: result.tables, ...(result.render ? { render: result.render } : {}) };
          process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
        } else process.stdout.write(opts.format === 'csv' ? csv(table) : text(table));
      } catch (e) {
        if (e instanceof KqlError) {
          const { line, column } = e.where(kql);
          throw new Error(`${e.message} (line ${line}, column ${column})`);
        }
        throw e;
      } finally {
        await store.close();
      }
    });
}

const cell = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);

/** RFC 4180: quote fields with commas, quotes or line breaks; double the quotes. */
function csv(t: KqlTable): string {
  const field = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = [t.columns.map((c) => field(c.name)), ...t.rows.map((r) => r.map((v) => field(cell(v))))];
  return lines.map((l) => `${l.join(',')}\r\n`).join('');
}

/** Aligned columns, long values cut at 60 characters, and a row count. */
function text(t: KqlTable): string {
  const cut = (s: string) => (s.length > 60 ? `${s.slice(0, 59)}…` : s).replace(/\s+/g, ' ');
  const rows = [t.columns.map((c) => c.name), ...t.rows.map((r) => r.map((v) => cut(cell(v))))];
  const widths = t.columns.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((s, i) => s.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  return `${out.join('\n')}\n(${t.rows.length} row${t.rows.length === 1 ? '' : 's'})\n`;
}
