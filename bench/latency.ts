/**
 * bench:latency — ingest-to-queryable latency (DESIGN.md "Performance budgets": p99 < 1 s; Entra
 * documents P95 2 min and P99 5 min for sign-ins and audits, entra-formats.md §4.2).
 *
 *   npm run bench:latency -- [--rates 0,2000,5000] [--probes 200] [--seconds-per-rate 20]
 *
 * `bin/idtrail serve` runs as a child process. For each background rate R (sign-ins a second,
 * posted as NDJSON batches of 100 by 4 clients, like a busy tenant's stream), a probe posts one
 * sign-in with a new id every 100 ms and then asks the Graph API for it
 * (`GET /v1.0/auditLogs/signIns/{id}`) until it is there. Per probe: the time from sending the POST
 * to its acknowledgement, and to the first GET that returned the record. Baseline in the same run:
 * the GET of a record that is already stored (the read the probe's last step costs).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fixed, int, percentile, table } from './lib/report.ts';
import { killChildServers, startChildServer } from './lib/server.ts';
import { signIns } from './lib/signins.ts';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '0,2000,5000' },
    probes: { type: 'string', default: '200' },
  },
});
const RATES = values.rates.split(',').map(Number);
const PROBES = Number(values.probes);
const KEY = 'bench-latency-key';
const BATCH = 100;
const CLIENTS = 4;
process.on('exit', killChildServers);

const dir = mkdtempSync(path.join(tmpdir(), 'idtrail-bench-latency-'));
const server = await startChildServer(dir, KEY);
const headers = { authorization: `Bearer ${KEY}` };
const ingestUrl = `${server.url}/api/v1/ingest/SignInLogs`;
const post = async (lines: string) => {
  const res = await fetch(ingestUrl, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-ndjson' },
    body: lines,
  });
  if (res.status !== 200 && res.status !== 202) throw new Error(`ingest ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
};
const found = async (id: string) => {
  const res = await fetch(`${server.url}/v1.0/auditLogs/signIns/${id}`, { headers });
  await res.arrayBuffer();
  if (res.status !== 200 && res.status !== 404) throw new Error(`read ${res.status}`);
  return res.status === 200;
};

// Records: the simulator's sign-ins from a week ago onwards; each probe gets a fresh id and now.
const source = signIns(10_000_000, 11, 3000, Date.now() - 7 * 86_400_000);
const next = () => source.next().value as Record<string, unknown>;
const probeRecord = () => {
  const r = next();
  r.id = randomUUID();
  r.createdDateTime = new Date().toISOString();
  return r;
};

try {
  // Warm up: parser, worker threads, the first commit, and a stored record for the baseline.
  const known = probeRecord();
  await post(`${JSON.stringify(known)}\n`);
  for (let i = 0; i < 50; i++) await found(known.id as string);
  const baseline: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    const t = performance.now();
    if (!(await found(known.id as string))) throw new Error('a stored record was not found');
    baseline.push(performance.now() - t);
  }
  baseline.sort((a, b) => a - b);

  const rows: string[][] = [];
  for (const rate of RATES) {
    // Background stream: CLIENTS clients, each posting a batch every CLIENTS*BATCH/rate seconds.
    let stop = false;
    let sent = 0;
    const streamStart = performance.now();
    const streams = rate
      ? Array.from({ length: CLIENTS }, async (_, c) => {
          const every = (CLIENTS * BATCH * 1000) / rate;
          for (let k = 0; !stop; k++) {
            const due = streamStart + (k + c / CLIENTS) * every;
            const wait = due - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            let body = '';
            for (let i = 0; i < BATCH; i++) body += `${JSON.stringify(next())}\n`;
            await post(body);
            sent += BATCH;
          }
        })
      : [];
    const ack: number[] = [];
    const visible: number[] = [];
    for (let p = 0; p < PROBES; p++) {
      const r = probeRecord();
      const t0 = performance.now();
      await post(`${JSON.stringify(r)}\n`);
      ack.push(performance.now() - t0);
      while (!(await found(r.id as string))) {}
      visible.push(performance.now() - t0);
      await new Promise((res) => setTimeout(res, 100));
    }
    stop = true;
    await Promise.all(streams);
    const achieved = sent / ((performance.now() - streamStart) / 1000);
    ack.sort((a, b) => a - b);
    visible.sort((a, b) => a - b);
    rows.push([
      rate ? `${int(rate)} (${int(achieved)} achieved)` : 'idle',
      fixed(percentile(ack, 50), 1),
      fixed(percentile(ack, 99), 1),
      fixed(percentile(visible, 50), 1),
      fixed(percentile(visible, 99), 1),
      fixed(percentile(visible, 99) / percentile(baseline, 50), 1),
    ]);
    process.stdout.write(
      `bench:latency rate=${rate} achieved=${int(achieved)} ack_p50=${fixed(percentile(ack, 50), 1)}ms ack_p99=${fixed(percentile(ack, 99), 1)}ms visible_p50=${fixed(percentile(visible, 50), 1)}ms visible_p99=${fixed(percentile(visible, 99), 1)}ms\n`,
    );
  }
  process.stdout.write(
    `\nbench:latency — ${PROBES} probes per rate; baseline GET of a stored record: p50 ${fixed(percentile(baseline, 50), 2)} ms, p99 ${fixed(percentile(baseline, 99), 2)} ms\n`,
  );
  process.stdout.write(
    `${table(['background sign-ins/s', 'ack p50 ms', 'ack p99 ms', 'visible p50 ms', 'visible p99 ms', 'visible p99 / GET p50'], rows)}\n`,
  );
  const worst = Math.max(...rows.map((r) => Number(r[4]!.replaceAll(',', ''))));
  process.stdout.write(
    `budget p99 < 1,000 ms: ${worst < 1000 ? 'met' : 'MISSED'}; Entra documents P99 5 min (300,000 ms): ${fixed(300_000 / worst, 0)}× faster\n`,
  );
} finally {
  await server.stop();
  killChildServers();
  rmSync(dir, { recursive: true, force: true });
}
