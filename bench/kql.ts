/**
 * bench:kql — a detection-style KQL query over many sign-ins: failures of the last 24 h, then
 * count and dcount by user and IP. Measured end to end in process (parse, bind, compile, run on
 * DuckDB, rows in LA's shape), beside the same question written by hand in SQL on the store's
 * typed columns, in the same run (the floor the KQL layer adds to).
 *
 *   npm run bench:kql -- [--records 1000000] [--users 3000] [--data DIR] [--runs 20]
 *
 * Records are the simulator's interactive sign-ins (--users, about 3.3 a user a day) ending now,
 * loaded through the real ingest pipeline.
 */
import { parseArgs } from 'node:util';
import { warmKql } from '../src/query/kql/parse.ts';
import { runKql } from '../src/query/kql/run.ts';
import { LOG_TYPES, logType } from '../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { benchSignIns } from './lib/load-store.ts';
import { fixed, int, percentile, table } from './lib/report.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '3000' },
    data: { type: 'string' },
    runs: { type: 'string', default: '20' },
    batch: { type: 'string', default: '5000' },
  },
});
const N = Number(values.records);
const RUNS = Number(values.runs);
const SignInLogs = logType('SignInLogs');

const KQL = `SigninLogs
| where TimeGenerated > ago(24h)
| where ResultType != "0"
| summarize Attempts = count(), Apps = dcount(AppDisplayName) by UserPrincipalName, IPAddress`;

const SQL = `SELECT user_principal_name, ip_address, count(*) AS attempts, count(DISTINCT app_display_name) AS apps
FROM signin_logs
WHERE tenant = $1 AND "time" > CAST($2 AS TIMESTAMP) AND coalesce(error_code, 0) <> 0
GROUP BY 1, 2`;

const data = await benchSignIns({
  label: 'kql',
  n: N,
  users: Number(values.users),
  batch: Number(values.batch),
  dir: values.data,
});
const { dir, store } = data;
const loaded = data.seconds === undefined ? `reused from ${dir}` : `loaded in ${fixed(data.seconds)} s`;
try {
  const latest = new Date((await store.maxTime(SignInLogs, DEFAULT_TENANT)) ?? Date.now());
  const since = new Date(latest.getTime() - 86_400_000).toISOString();
  warmKql();
  const read = (sql: string, params: readonly unknown[]) => store.readSql(sql, params);
  // Parsed trees are cached by text: `fresh` makes each run's text new (a comment), so it parses.
  let run = 0;
  const kqlOnce = (fresh: boolean) => async () => {
    const query = fresh ? `${KQL}\n// run ${run++}` : KQL;
    const t = performance.now();
    const r = await runKql(read, { query, tenant: DEFAULT_TENANT, types: LOG_TYPES, now: latest });
    return { ms: performance.now() - t, rows: r.tables[0]!.rows.length };
  };
  const sqlOnce = async () => {
    const t = performance.now();
    const rows = await store.readSql(SQL, [DEFAULT_TENANT, since.replace('T', ' ').replace('Z', '')]);
    return { ms: performance.now() - t, rows: rows.length };
  };
  const measure = async (f: () => Promise<{ ms: number; rows: number }>) => {
    await f();
    const ms: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await f();
      ms.push(r.ms);
      rows = r.rows;
    }
    return { ms: ms.sort((a, b) => a - b), rows };
  };
  const k = await measure(kqlOnce(true));
  const kc = await measure(kqlOnce(false));
  const s = await measure(sqlOnce);
  await store.close();
  if (k.rows !== s.rows) throw new Error(`KQL gave ${k.rows} groups, SQL ${s.rows}`);

  process.stdout.write(`\nbench:kql — ${int(N)} sign-ins ${loaded}; ${RUNS} runs each\n${KQL}\n\n`);
  process.stdout.write(
    `${table(
      ['query', 'p50 ms', 'p99 ms', 'groups'],
      [
        [
          'KQL (parse + compile + run)',
          fixed(percentile(k.ms, 50), 1),
          fixed(percentile(k.ms, 99), 1),
          int(k.rows),
        ],
        [
          'KQL, same text again (parse cached)',
          fixed(percentile(kc.ms, 50), 1),
          fixed(percentile(kc.ms, 99), 1),
          int(kc.rows),
        ],
        [
          'hand-written SQL, typed columns',
          fixed(percentile(s.ms, 50), 1),
          fixed(percentile(s.ms, 99), 1),
          int(s.rows),
        ],
      ],
    )}\n`,
  );
  const ratio = percentile(k.ms, 50) / percentile(s.ms, 50);
  process.stdout.write(
    `KQL / SQL p50: ${fixed(ratio, 2)}; budget < 1000 ms: ${percentile(k.ms, 50) < 1000 ? 'met' : 'MISSED'}\n`,
  );
  process.stdout.write(
    `bench:kql records=${N} kql_p50=${fixed(percentile(k.ms, 50), 1)}ms sql_p50=${fixed(percentile(s.ms, 50), 1)}ms ratio=${fixed(ratio, 2)}\n`,
  );
} finally {
  data.cleanup();
}
