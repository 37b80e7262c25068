/**
 * bench:graph — the Graph-compatible list API over many sign-ins: a filtered page of 100 at
 * page 1 and at page 1,000 (p50, p99), and requests/s from 8 concurrent clients; beside each, the
 * same compiled SQL run directly on DuckDB in the same run (the floor the API adds to).
 *
 *   npm run bench:graph -- [--records 1000000] [--users 3000] [--data DIR] [--requests 200] [--clients 8] [--seconds 10]
 *
 * Records are the simulator's interactive sign-ins (--users, about 3.3 a user a day) ending now, loaded through
 * the real ingest pipeline in process, then served by `bin/idtrail serve` as a child process.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildODataQuery } from '../src/query/odata/query.ts';
import { compileDuckDb } from '../src/query/sql/duckdb.ts';
import { logType } from '../src/registry/log-types.ts';
import { DEFAULT_TENANT } from '../src/security/api-keys.ts';
import { openStore } from '../src/store/open-store.ts';
import { threadTicks } from './lib/cpu.ts';
import { benchSignIns } from './lib/load-store.ts';
import { fixed, int, percentile, progressBar, table } from './lib/report.ts';
import { killChildServers, startChildServer } from './lib/server.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '3000' },
    data: { type: 'string' },
    requests: { type: 'string', default: '200' },
    clients: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '5000' },
  },
});
const N = Number(values.records);
const REQUESTS = Number(values.requests);
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);
const KEY = 'bench-graph-key';
const FILTER = "startswith(appDisplayName,'Microsoft')";
const PATH = `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(FILTER)}&$top=100`;
const SignInLogs = logType('SignInLogs');
process.on('exit', killChildServers);

const data = await benchSignIns({
  label: 'graph',
  n: N,
  users: Number(values.users),
  batch: Number(values.batch),
  dir: values.data,
});
const { dir, store } = data;
const loaded = data.seconds === undefined ? `reused from ${dir}` : `loaded in ${fixed(data.seconds)} s`;
try {
  await store.close();

  // 2. Serve and measure.
  // No throttling: 8 clients exceed the default 1,000 requests per 10 s of one key, and this
  // measures the API, not the limiter.
  process.env.IDTRAIL_GRAPH_RATE = '0';
  const server = await startChildServer(dir, KEY);
  const get = async (url: string) => {
    const t = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${KEY}` } });
    // The response time is until the last byte arrived; parsing the body is the client's work.
    const bytes = await res.arrayBuffer();
    const ms = performance.now() - t;
    const body = JSON.parse(Buffer.from(bytes).toString('utf8')) as {
      value: unknown[];
      '@odata.nextLink'?: string;
    };
    if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(body)}`);
    return { ms, body };
  };
  const latencies = async (url: string) => {
    const ms: number[] = [];
    for (let i = 0; i < REQUESTS; i++) ms.push((await get(url)).ms);
    return ms.sort((a, b) => a - b);
  };
  const page1Url = server.url + PATH;
  await latencies(page1Url); // warm up
  // The server's CPU per request (its JS thread, and DuckDB's and libuv's threads): steadier than
  // wall time on a shared machine.
  const cpuOf = () => {
    const t = threadTicks(server.pid);
    const main = t.get('main') ?? 0;
    return { main, rest: [...t.values()].reduce((a, b) => a + b, 0) - main };
  };
  const cpu0 = cpuOf();
  const page1 = await latencies(page1Url);
  const cpu1 = cpuOf();
  const cpuMs = (k: 'main' | 'rest') => ((cpu1[k] - cpu0[k]) * 10) / REQUESTS;
  // Walk to page 1,000 through nextLinks.
  let url = page1Url;
  const walk = progressBar('walk', 'pages');
  walk.start(999, 0, { rate: '' });
  const walkStart = performance.now();
  for (let p = 1; p < 1000; p++) {
    const { body } = await get(url);
    if (!body['@odata.nextLink']) throw new Error(`only ${p} pages match; load more records`);
    url = body['@odata.nextLink'];
    walk.update(p, { rate: `${fixed((performance.now() - walkStart) / p)} ms/page` });
  }
  walk.stop();
  const walkMs = (performance.now() - walkStart) / 999;
  const page1000Url = url;
  const page1000 = await latencies(page1000Url);
  // Throughput: C clients on page 1 for S seconds.
  let done = 0;
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        await get(page1Url);
        done++;
      }
    }),
  );
  const rps = done / SECONDS;
  await server.stop();

  // 3. Baseline in the same run: the compiled SQL straight on DuckDB (page 1 and page 1,000).
  const direct = await openStore(`duckdb:${path.join(dir, 'idtrail.duckdb')}`, dir);
  const sqlFor = (u: string) => {
    const params = Object.fromEntries(new URL(u).searchParams.entries());
    const { query } = buildODataQuery(SignInLogs, params, { version: 'v1.0' });
    return compileDuckDb(query, DEFAULT_TENANT);
  };
  const sqlLatencies = async (u: string) => {
    const { sql, params, compact } = sqlFor(u);
    const ms: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const t = performance.now();
      await direct.readSql(sql, params, { compact });
      ms.push(performance.now() - t);
    }
    return ms.sort((a, b) => a - b);
  };
  await sqlLatencies(page1Url);
  const sql1 = await sqlLatencies(page1Url);
  const sql1000 = await sqlLatencies(page1000Url);
  await direct.close();

  const row = (name: string, api: number[], sql: number[]) => [
    name,
    fixed(percentile(api, 50), 2),
    fixed(percentile(api, 99), 2),
    fixed(percentile(sql, 50), 2),
    fixed(percentile(sql, 99), 2),
    fixed(percentile(api, 50) / percentile(sql, 50), 2),
  ];
  process.stdout.write(`\nbench:graph — ${int(N)} sign-ins ${loaded}; GET ${PATH}\n`);
  process.stdout.write(
    `${table(['page', 'API p50 ms', 'API p99 ms', 'one-statement SQL p50 ms', 'SQL p99 ms', 'API/SQL p50'], [row('1', page1, sql1), row('1,000', page1000, sql1000)])}\n`,
  );
  process.stdout.write(
    `walk to page 1,000: ${fixed(walkMs, 2)} ms/page; ${CLIENTS} clients on page 1: ${int(rps)} requests/s\n`,
  );
  process.stdout.write(
    `server CPU per page-1 request: ${fixed(cpuMs('main'), 2)} ms on the JS thread + ${fixed(cpuMs('rest'), 2)} ms on DuckDB's and libuv's threads\n`,
  );
  const ok = (v: number, budget: number) => (v < budget ? 'met' : 'MISSED');
  process.stdout.write(
    `budget p50 < 10 ms, p99 < 50 ms: page 1 ${ok(percentile(page1, 50), 10)}/${ok(percentile(page1, 99), 50)}, page 1,000 ${ok(percentile(page1000, 50), 10)}/${ok(percentile(page1000, 99), 50)}\n`,
  );
  process.stdout.write(
    `bench:graph records=${N} p1_p50=${fixed(percentile(page1, 50), 2)}ms p1_p99=${fixed(percentile(page1, 99), 2)}ms p1000_p50=${fixed(percentile(page1000, 50), 2)}ms p1000_p99=${fixed(percentile(page1000, 99), 2)}ms rps=${int(rps)}\n`,
  );
} finally {
  killChildServers();
  data.cleanup();
}
