/**
 * bench:postgres — DESIGN's peer comparison: the same sign-ins kept in PostgreSQL 15 as JSONB
 * (one table, `record jsonb`, a (tenant, time, id) index: how retraced, authentik and Keycloak keep
 * events), and each figure of idtrail's beside PostgreSQL's from the same run:
 *
 * - ingest: N_sample sign-ins through idtrail's pipeline (validate, canonicalise, seal, commit) vs
 *   PostgreSQL's `COPY` of the same records (no validation, no hashing: its floor);
 * - a Graph page of 100 (page 1 and page 1,000, the bench:graph filter): idtrail's page at the
 *   store (its windowed SQL and records decoded) and through its HTTP API, vs the keyset SQL in psql
 *   (no HTTP, no shaping on the PostgreSQL side);
 * - the bench:kql detection query: idtrail's KQL in process vs the same question in SQL on JSONB
 *   (at most 10 runs each: PostgreSQL takes seconds);
 * - a full download: idtrail's `GET /api/v1/export/signIns?format=json` vs `\copy (SELECT record …
 *   ORDER BY time DESC, id DESC) TO /dev/null`;
 * - storage: the DuckDB file vs the table with its indexes (TOAST-compressed JSONB).
 *
 *   npm run bench:postgres -- [--records 1000000] [--users 100000] [--data DIR] [--pg DIR] [--runs 50] [--sample 100000] [--no-export]
 *
 * PostgreSQL runs as the `postgres` user on a Unix socket (bench/lib/postgres.ts); timings on its
 * side are psql's `\timing`.
 */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { newestFirst } from '../src/api/routes/graph/newest-first.ts';
import { encodeCursor } from '../src/query/cursor.ts';
import { warmKql } from '../src/query/kql/parse.ts';
import { runKql } from '../src/query/kql/run.ts';
import { buildODataQuery } from '../src/query/odata/query.ts';
import { LOG_TYPES, logType } from '../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { benchSignIns, loadSignIns } from './lib/load-store.ts';
import { Postgres } from './lib/postgres.ts';
import { fixed, int, percentile, table } from './lib/report.ts';
import { killChildServers, startChildServer } from './lib/server.ts';
import { signIns } from './lib/signins.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '100000' },
    data: { type: 'string' },
    pg: { type: 'string' },
    runs: { type: 'string', default: '50' },
    sample: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '5000' },
    'no-export': { type: 'boolean', default: false },
    depth: { type: 'string', default: '1000' },
  },
});
const N = Number(values.records);
const RUNS = Number(values.runs);
const SAMPLE = Number(values.sample);
const DEPTH = Number(values.depth);
const KEY = 'bench-postgres-key';
const SignInLogs = logType('SignInLogs');
const FILTER = "startswith(appDisplayName,'Microsoft')";
const KQL = `SigninLogs
| where TimeGenerated > ago(24h)
| where ResultType != "0"
| summarize Attempts = count(), Apps = dcount(AppDisplayName) by UserPrincipalName, IPAddress`;
process.on('exit', killChildServers);

const pgDir = values.pg ?? mkdtempSync(path.join(tmpdir(), 'idtrail-bench-pg-'));
const tmp = mkdtempSync(path.join(tmpdir(), 'idtrail-bench-pgx-'));
chmodSync(tmp, 0o777);
const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;
const p = (ms: number[], q: number) =>
  percentile(
    [...ms].sort((a, b) => a - b),
    q,
  );
const log = (s: string) => process.stderr.write(`${s}\n`);

const pgTable = (name: string) => `CREATE TABLE ${name} (
  tenant text NOT NULL, seq bigint NOT NULL, id text NOT NULL, time timestamptz NOT NULL, record jsonb NOT NULL);
CREATE INDEX ON ${name} (tenant, time DESC, id DESC);`;
/** PostgreSQL's COPY reads this file as CSV with control characters for delimiter and quote: canonical JSON holds neither. */
const copyFrom = (name: string, file: string) =>
  `COPY ${name} FROM ${sqlText(file)} WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')`;

const data = await benchSignIns({
  label: 'postgres',
  n: N,
  users: Number(values.users),
  batch: Number(values.batch),
  dir: values.data,
});
const { dir, store } = data;
const pg = Postgres.start(pgDir);
try {
  // 1. The same stored records into PostgreSQL.
  log('exporting the stored records for PostgreSQL…');
  const file = path.join(tmp, 'records.csv');
  await store.readSql(
    `COPY (SELECT tenant, seq, id, strftime(time, '%Y-%m-%dT%H:%M:%S.%fZ'), record FROM signin_logs ORDER BY seq)
     TO ${sqlText(file)} (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01', HEADER false)`,
    [],
  );
  chmodSync(file, 0o644);
  log(`loading ${int(N)} records into PostgreSQL…`);
  pg.psql(pgTable('signin_logs'));
  const [pgLoadMs] = pg.timed([copyFrom('signin_logs', file)]);
  pg.psql('VACUUM ANALYZE signin_logs;');
  rmSync(file, { force: true });
  const pgBytes = Number(pg.psql("SELECT pg_total_relation_size('signin_logs');").trim());
  const duckBytes = statSync(path.join(dir, 'idtrail.duckdb')).size;

  // 2. Ingest, same sample both sides: idtrail's pipeline into a fresh store vs PostgreSQL's COPY.
  log(`ingest: ${int(SAMPLE)} sign-ins each…`);
  const sampleDir = mkdtempSync(path.join(tmpdir(), 'idtrail-bench-pgs-'));
  const from = Math.floor((Date.now() - 86_400_000) / 3_600_000) * 3_600_000;
  const sample = [...signIns(SAMPLE, 11, Number(values.users), from)] as Array<Record<string, unknown>>;
  const fresh = await loadSignIns(sampleDir, sample, SAMPLE, Number(values.batch));
  await fresh.store.close();
  rmSync(sampleDir, { recursive: true, force: true });
  const sampleFile = path.join(tmp, 'sample.csv');
  writeFileSync(
    sampleFile,
    sample
      .map(
        (r, i) =>
          `${DEFAULT_TENANT}\x02${i + 1}\x02${r.id}\x02${r.createdDateTime}\x02${JSON.stringify(r)}\n`,
      )
      .join(''),
  );
  chmodSync(sampleFile, 0o644);
  pg.psql(pgTable('sample'));
  const [pgSampleMs] = pg.timed([copyFrom('sample', sampleFile)]);
  pg.psql('DROP TABLE sample;');
  rmSync(sampleFile, { force: true });

  // 3. Graph pages. Page 1,000's cursor: the 100,000th newest matching row (--depth pages).
  const { query, fingerprint } = buildODataQuery(
    SignInLogs,
    { $filter: FILTER, $top: '100' },
    { version: 'v1.0' },
  );
  const deep = (await store.readSql(
    `SELECT strftime(time, '%Y-%m-%dT%H:%M:%S.%fZ'), id FROM signin_logs
     WHERE tenant = $1 AND starts_with(lower(app_display_name), 'microsoft')
     ORDER BY time DESC, id DESC LIMIT 1 OFFSET ${(DEPTH - 1) * 100 - 1}`,
    [DEFAULT_TENANT],
  )) as Array<[string, string]>;
  if (deep.length === 0)
    throw new Error(`fewer than ${DEPTH} pages match; load more records or lower --depth`);
  const [[t1000, id1000]] = deep as [[string, string]];
  const since = new Date(Date.parse((await store.maxTime(SignInLogs, DEFAULT_TENANT))!) - 86_400_000);

  // The same pages at the store (windowed SQL + records decoded; no HTTP, no Graph shaping), as
  // PostgreSQL's side is measured.
  const storePage = async (after?: { t: string; id: string; dir: 'desc' }) => {
    const ms: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t = performance.now();
      const rows = await newestFirst(store, after ? { ...query, after } : query, DEFAULT_TENANT);
      if (rows.length !== 101) throw new Error(`store page: ${rows.length} rows`);
      if (i > 0) ms.push(performance.now() - t);
    }
    return ms;
  };
  const store1 = await storePage();
  const store1000 = await storePage({ t: t1000, id: id1000, dir: 'desc' });

  // 4. KQL in process (before the server takes the file).
  warmKql();
  const latest = new Date(since.getTime() + 86_400_000);
  const read = (sql: string, params: readonly unknown[]) => store.readSql(sql, params);
  const kqlMs: number[] = [];
  let groups = 0;
  for (let i = 0; i <= Math.min(RUNS, 10); i++) {
    const t = performance.now();
    const r = await runKql(read, { query: KQL, tenant: DEFAULT_TENANT, types: LOG_TYPES, now: latest });
    if (i > 0) kqlMs.push(performance.now() - t);
    groups = r.tables[0]!.rows.length;
  }
  await store.close();

  const server = await startChildServer(dir, KEY);
  const base = `${server.url}/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(FILTER)}&$top=100`;
  const url1000 = `${base}&$skiptoken=${encodeCursor({ t: t1000, id: id1000, dir: 'desc' }, fingerprint)}`;
  const api = async (url: string) => {
    const ms: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${KEY}` } });
      // Until the last byte arrived; parsing the body is the client's work.
      const bytes = await res.arrayBuffer();
      if (i > 0) ms.push(performance.now() - t);
      const body = JSON.parse(Buffer.from(bytes).toString('utf8')) as { value: unknown[] };
      if (res.status !== 200 || body.value.length !== 100) throw new Error(`${res.status}`);
    }
    return ms;
  };
  log('Graph pages…');
  const api1 = await api(base);
  const api1000 = await api(url1000);
  let exportMs = Number.NaN;
  if (!values['no-export']) {
    log('download…');
    const t = performance.now();
    const res = await fetch(`${server.url}/api/v1/export/signIns?format=json`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    let bytes = 0;
    for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
    exportMs = performance.now() - t;
    if (res.status !== 200 || bytes === 0) throw new Error(`export ${res.status}`);
  }
  await server.stop();

  const pgPage = (after?: { t: string; id: string }) =>
    `SELECT id, record FROM signin_logs WHERE tenant = ${sqlText(DEFAULT_TENANT)}
       AND lower(record->>'appDisplayName') LIKE 'microsoft%'
       ${after ? `AND (time, id) < (${sqlText(after.t)}::timestamptz, ${sqlText(after.id)})` : ''}
     ORDER BY time DESC, id DESC LIMIT 101`;
  const repeat = (s: string, n = RUNS) => Array.from({ length: n + 1 }, () => s);
  log('PostgreSQL queries…');
  const pg1 = pg.timed(repeat(pgPage())).slice(1);
  const pg1000 = pg.timed(repeat(pgPage({ t: t1000, id: id1000 }))).slice(1);
  const pgKql = pg
    .timed(
      repeat(
        `SELECT record->>'userPrincipalName', record->>'ipAddress', count(*), count(DISTINCT record->>'appDisplayName')
        FROM signin_logs WHERE tenant = ${sqlText(DEFAULT_TENANT)} AND time > ${sqlText(since.toISOString())}::timestamptz
          AND (record->'status'->>'errorCode')::int <> 0
        GROUP BY 1, 2`,
        Math.min(RUNS, 10),
      ),
    )
    .slice(1);
  const pgGroups = Number(
    pg
      .psql(`SELECT count(*) FROM (SELECT 1 FROM signin_logs WHERE tenant = ${sqlText(DEFAULT_TENANT)}
        AND time > ${sqlText(since.toISOString())}::timestamptz AND (record->'status'->>'errorCode')::int <> 0
        GROUP BY record->>'userPrincipalName', record->>'ipAddress') g;`)
      .trim(),
  );
  if (pgGroups !== groups) throw new Error(`KQL gave ${groups} groups, PostgreSQL ${pgGroups}`);
  const [pgExportMs] = values['no-export']
    ? [Number.NaN]
    : pg.timed([
        `\\copy (SELECT record FROM signin_logs WHERE tenant = ${sqlText(DEFAULT_TENANT)} ORDER BY time DESC, id DESC) TO '/dev/null'`,
      ]);

  const rate = (n: number, ms: number) => int(n / (ms / 1000));
  const rows: string[][] = [
    [
      `ingest ${int(SAMPLE)} (records/s)`,
      rate(SAMPLE, fresh.seconds * 1000),
      rate(SAMPLE, pgSampleMs!),
      fixed(SAMPLE / fresh.seconds / (SAMPLE / (pgSampleMs! / 1000)), 2),
    ],
    [
      'Graph page 1 at the store (SQL + records), p50 ms',
      fixed(p(store1, 50), 2),
      fixed(p(pg1, 50), 2),
      fixed(p(pg1, 50) / p(store1, 50), 2),
    ],
    [
      `Graph page ${int(DEPTH)} at the store, p50 ms`,
      fixed(p(store1000, 50), 2),
      fixed(p(pg1000, 50), 2),
      fixed(p(pg1000, 50) / p(store1000, 50), 2),
    ],
    ['Graph page 1, p50 ms', fixed(p(api1, 50), 2), fixed(p(pg1, 50), 2), fixed(p(pg1, 50) / p(api1, 50), 2)],
    ['Graph page 1, p99 ms', fixed(p(api1, 99), 2), fixed(p(pg1, 99), 2), fixed(p(pg1, 99) / p(api1, 99), 2)],
    [
      `Graph page ${int(DEPTH)}, p50 ms`,
      fixed(p(api1000, 50), 2),
      fixed(p(pg1000, 50), 2),
      fixed(p(pg1000, 50) / p(api1000, 50), 2),
    ],
    [
      `Graph page ${int(DEPTH)}, p99 ms`,
      fixed(p(api1000, 99), 2),
      fixed(p(pg1000, 99), 2),
      fixed(p(pg1000, 99) / p(api1000, 99), 2),
    ],
    [
      `detection query (${int(groups)} groups), p50 ms`,
      fixed(p(kqlMs, 50), 1),
      fixed(p(pgKql, 50), 1),
      fixed(p(pgKql, 50) / p(kqlMs, 50), 2),
    ],
    ...(values['no-export']
      ? []
      : [
          [
            `download ${int(N)} (s)`,
            fixed(exportMs / 1000, 1),
            fixed(pgExportMs! / 1000, 1),
            fixed(pgExportMs! / exportMs, 2),
          ],
        ]),
    ['storage (MiB)', int(duckBytes / 2 ** 20), int(pgBytes / 2 ** 20), fixed(pgBytes / duckBytes, 2)],
  ];
  process.stdout.write(
    `\nbench:postgres — ${int(N)} sign-ins (${data.seconds === undefined ? `reused from ${dir}` : `loaded in ${fixed(data.seconds)} s`}); PostgreSQL 15 JSONB loaded by COPY in ${fixed(pgLoadMs! / 1000, 1)} s\n`,
  );
  process.stdout.write(
    `${table(['figure', 'idtrail', 'PostgreSQL 15 JSONB', 'idtrail advantage (PG / idtrail; ingest: idtrail / PG)'], rows)}\n`,
  );
  process.stdout.write(
    `bench:postgres records=${N} page1_p50=${fixed(p(api1, 50), 2)}/${fixed(p(pg1, 50), 2)}ms page1000_p50=${fixed(p(api1000, 50), 2)}/${fixed(p(pg1000, 50), 2)}ms kql_p50=${fixed(p(kqlMs, 50), 1)}/${fixed(p(pgKql, 50), 1)}ms\n`,
  );
} finally {
  pg.stop();
  if (!values.pg) rmSync(pgDir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
  data.cleanup();
}
